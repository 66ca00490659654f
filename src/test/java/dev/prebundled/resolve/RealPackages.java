package dev.prebundled.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the real npm packages the tests run against; fails (never skips) when they are missing. */
final class RealPackages {
  private RealPackages() {}

  /** The directory whose node_modules holds the corpus packages. */
  static Path projectDir() {
    Path dir = Path.of("src/test/npm").toAbsolutePath();
    assertThat(dir.resolve("node_modules/react/package.json"))
        .as("Real npm packages are missing under %s/node_modules: run /work/main/scripts/setup --no-jar", dir)
        .exists();
    try {
      return dir.toRealPath();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static boolean installed(Path projectDir, String name) {
    return Files.isRegularFile(projectDir.resolve("node_modules").resolve(name).resolve("package.json"));
  }
}
