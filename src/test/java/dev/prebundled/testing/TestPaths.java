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

  /** The shared corpus next to the checkout ({@code ../shared/corpus}). */
  public static Path sharedCorpus() {
    for (Path dir = projectDir(); dir != null; dir = dir.getParent()) {
      Path corpus = dir.resolve("shared/corpus");
      if (Files.isRegularFile(corpus.resolve("packages.json"))) return corpus;
    }
    throw new AssertionError("../shared/corpus not found above " + projectDir());
  }
}
