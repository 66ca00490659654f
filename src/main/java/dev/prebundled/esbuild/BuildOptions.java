package dev.prebundled.esbuild;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One esbuild build: entry points, command-line style flags ({@code --bundle}, {@code
 * --format=esm}, ...), whether esbuild writes the files itself or returns them, the working
 * directory and the Java plugins taking part. Immutable; make one with {@link #builder()}.
 */
public record BuildOptions(
    List<EntryPoint> entryPoints, List<String> flags, boolean write, Path workingDir, List<EsbuildPlugin> plugins) {

  /** An entry point; {@code outputPath} "" lets esbuild name the output after the input. */
  public record EntryPoint(String outputPath, String inputPath) {}

  public BuildOptions {
    entryPoints = List.copyOf(entryPoints);
    flags = List.copyOf(flags);
    plugins = List.copyOf(plugins);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects the parts of a build; flags keep their order. */
  public static final class Builder {
    private final List<EntryPoint> entryPoints = new ArrayList<>();
    private final List<String> flags = new ArrayList<>();
    private final List<EsbuildPlugin> plugins = new ArrayList<>();
    private boolean write;
    private Path workingDir = Path.of("").toAbsolutePath();

    public Builder entryPoint(String inputPath) {
      return entryPoint("", inputPath);
    }

    public Builder entryPoint(String outputPath, String inputPath) {
      entryPoints.add(new EntryPoint(outputPath, inputPath));
      return this;
    }

    public Builder flags(String... values) {
      flags.addAll(List.of(values));
      return this;
    }

    public Builder flags(List<String> values) {
      flags.addAll(values);
      return this;
    }

    public Builder write(boolean value) {
      this.write = value;
      return this;
    }

    public Builder workingDir(Path dir) {
      this.workingDir = dir.toAbsolutePath();
      return this;
    }

    public Builder plugin(EsbuildPlugin plugin) {
      plugins.add(plugin);
      return this;
    }

    public BuildOptions build() {
      return new BuildOptions(entryPoints, flags, write, workingDir, plugins);
    }
  }
}
