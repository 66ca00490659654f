package dev.prebundled.bundle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.prebundled.esbuild.BuildOptions;
import dev.prebundled.esbuild.BuildResult;
import dev.prebundled.esbuild.EsbuildPlugin;
import dev.prebundled.esbuild.EsbuildService;
import dev.prebundled.esbuild.OnResolveResult;
import dev.prebundled.esbuild.PluginBuild;
import dev.prebundled.esbuild.ResolveKind;
import dev.prebundled.resolve.ModuleFormat;
import dev.prebundled.resolve.ModuleFormatDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Decides whether a {@code .js} file that neither its extension nor its package's {@code type}
 * classifies is CommonJS or ESM, by asking esbuild itself: a one-file build with every import
 * external, whose metafile reports the format esbuild detected. Asking the same parser that will
 * bundle the file keeps the facade and the build in agreement. A file with no module syntax at all
 * is CommonJS, as Node would load it. Results are cached by path, size and modification time.
 */
final class ModuleFormatProbe implements ModuleFormatDetector.ContentCheck {
  private record Key(Path file, long size, long modified) {}

  private final EsbuildService esbuild;
  private final Cache<Key, ModuleFormat> cache = Caffeine.newBuilder().maximumSize(10_000).build();

  ModuleFormatProbe(EsbuildService esbuild) {
    this.esbuild = esbuild;
  }

  @Override
  public ModuleFormat formatOf(Path file) {
    return cache.get(key(file), k -> probe(k.file()));
  }

  private ModuleFormat probe(Path file) {
    EsbuildPlugin everythingExternal = new EsbuildPlugin() {
      @Override public String name() { return "format-probe"; }
      @Override public void setup(PluginBuild build) {
        build.onResolve(".*", args -> args.kind() == ResolveKind.ENTRY_POINT
            ? Optional.empty()
            : Optional.of(OnResolveResult.external(args.path())));
      }
    };
    BuildResult result = esbuild.buildAndWait(BuildOptions.builder()
        .workingDir(file.getParent())
        .entryPoint(file.toString())
        .flags("--bundle", "--format=esm", "--metafile", "--log-level=silent", "--outdir=" + file.getParent().resolve(".probe"))
        .plugin(everythingExternal)
        .build());
    if (!result.succeeded() || result.metafile().isEmpty()) {
      return ModuleFormat.COMMONJS; // the real build will report the syntax error with its location
    }
    return Metafile.parse(result.metafile().get()).inputs().values().stream()
        .findFirst()
        .flatMap(Metafile.Input::format)
        .filter("esm"::equals)
        .map(f -> ModuleFormat.ESM)
        .orElse(ModuleFormat.COMMONJS);
  }

  private static Key key(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new Key(file, attributes.size(), attributes.lastModifiedTime().toMillis());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
