package dev.prebundled.esbuild;

import dev.prebundled.error.ErrorCode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A verified esbuild executable: where it is and the version it reported. Found by {@link
 * #locate}, in order, from explicit configuration, {@code ESBUILD_BINARY_PATH}, the served
 * project's {@code node_modules/@esbuild/<platform>/bin/esbuild}, and prebundled's own tools
 * folder (filled by {@code scripts/setup}). The service protocol is an internal detail of
 * esbuild, so exactly one version is supported and any other is refused by name.
 */
public record EsbuildBinary(Path path, String version) {
  public static final String SUPPORTED_VERSION = "0.28.2";
  public static final String ENV_VARIABLE = "ESBUILD_BINARY_PATH";
  private static final String FIX = "run scripts/setup (installs esbuild " + SUPPORTED_VERSION + " into tools/) or set " + ENV_VARIABLE;

  /** Where to look. Empty parts are skipped. */
  public record Lookup(Optional<Path> configured, Optional<String> environment, Optional<Path> projectDir, Path toolsDir) {

    /** The usual lookup: this process's environment and prebundled's own tools folder. */
    public static Lookup standard(Optional<Path> configured, Optional<Path> projectDir) {
      return new Lookup(configured, Optional.ofNullable(System.getenv(ENV_VARIABLE)).filter(s -> !s.isBlank()), projectDir, defaultToolsDir());
    }
  }

  /** Finds and verifies a binary, or fails naming every place it tried and the fix. */
  public static EsbuildBinary locate(Lookup lookup) {
    if (lookup.configured().isPresent()) {
      return verify(requireExisting(lookup.configured().get(), "the configured esbuild binary"));
    }
    if (lookup.environment().isPresent()) {
      return verify(requireExisting(Path.of(lookup.environment().get()), ENV_VARIABLE));
    }
    List<String> tried = new ArrayList<>();
    tried.add("configured path: not set");
    tried.add(ENV_VARIABLE + ": not set");
    List<Path> candidates = new ArrayList<>();
    lookup.projectDir().ifPresent(dir -> candidates.add(packagedBinary(dir)));
    candidates.add(packagedBinary(lookup.toolsDir()));
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate)) return verify(candidate);
      tried.add(candidate + ": not found");
    }
    throw new EsbuildException(
        ErrorCode.ESBUILD_UNAVAILABLE,
        "no esbuild binary found. Tried:\n  - " + String.join("\n  - ", tried) + "\nTo fix: " + FIX + ".");
  }

  /** Runs {@code <binary> --version} and refuses any version but {@link #SUPPORTED_VERSION}. */
  public static EsbuildBinary verify(Path binary) {
    String version;
    try {
      Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      byte[] out = process.getInputStream().readNBytes(4096);
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("did not answer --version within 10 s");
      }
      version = new String(out, StandardCharsets.UTF_8).strip();
      if (process.exitValue() != 0) throw new IOException("--version exited with " + process.exitValue() + ": " + version);
    } catch (IOException e) {
      throw new EsbuildException(ErrorCode.ESBUILD_UNAVAILABLE, "cannot run esbuild at " + binary + ": " + e.getMessage() + ". To fix: " + FIX + ".", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EsbuildException(ErrorCode.ESBUILD_UNAVAILABLE, "interrupted while checking " + binary, e);
    }
    if (!SUPPORTED_VERSION.equals(version)) {
      throw new EsbuildException(
          ErrorCode.ESBUILD_UNAVAILABLE,
          "esbuild at " + binary + " is version " + version + ", but prebundled supports esbuild "
              + SUPPORTED_VERSION + " only (its service protocol is pinned). To fix: " + FIX + ".");
    }
    return new EsbuildBinary(binary.toAbsolutePath(), version);
  }

  /** The npm package that carries esbuild's native binary for this machine, e.g. {@code @esbuild/linux-x64}. */
  public static String platformPackage() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String osPart = os.contains("mac") || os.contains("darwin") ? "darwin" : os.contains("win") ? "win32" : "linux";
    String archPart = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch.equals("aarch64") ? "arm64" : arch;
    return "@esbuild/" + osPart + "-" + archPart;
  }

  static Path packagedBinary(Path dir) {
    return dir.resolve("node_modules").resolve(platformPackage()).resolve("bin").resolve("esbuild");
  }

  /**
   * prebundled's tools folder: {@code -Dprebundled.toolsDir}, else {@code tools/} of the checkout
   * the classes were loaded from ({@code <checkout>/target/prebundled.jar} or {@code
   * <checkout>/target/classes}).
   */
  public static Path defaultToolsDir() {
    String override = System.getProperty("prebundled.toolsDir");
    if (override != null && !override.isBlank()) return Path.of(override);
    try {
      Path codeSource = Path.of(EsbuildBinary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path checkout = codeSource.getParent() == null ? codeSource : codeSource.getParent().getParent();
      return (checkout == null ? Path.of("") : checkout).resolve("tools").toAbsolutePath();
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of("tools").toAbsolutePath();
    }
  }

  private static Path requireExisting(Path path, String source) {
    if (!Files.isRegularFile(path)) {
      throw new EsbuildException(ErrorCode.ESBUILD_UNAVAILABLE, source + " points at " + path + ", which does not exist. To fix: " + FIX + ".");
    }
    return path;
  }
}
