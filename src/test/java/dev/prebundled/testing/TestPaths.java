package dev.prebundled.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tests find what {@code scripts/setup} installed. A missing install is a test failure
 * with the command that fixes it, never a silent skip.
 */
public final class TestPaths {
  private TestPaths() {}

  public static Path projectDir() {
    return Path.of(System.getProperty("prebundled.projectDir", "")).toAbsolutePath();
  }

  /** The real npm packages the tests run against (src/test/npm/node_modules). */
  public static Path testPackages() {
    Path dir = projectDir().resolve("src/test/npm/node_modules");
    if (!Files.isDirectory(dir.resolve("react"))) {
      throw new AssertionError("test packages are not installed at " + dir + ": run scripts/setup");
    }
    return dir;
  }
}
