package dev.prebundled.esbuild;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Test helpers: the real esbuild binary installed by scripts/setup, and small source trees. */
final class EsbuildFixtures {
  private EsbuildFixtures() {}

  static EsbuildBinary binary() {
    return EsbuildBinary.locate(EsbuildBinary.Lookup.standard(Optional.empty(), Optional.empty()));
  }

  /** Writes {@code content} to {@code dir/relative}, creating parent folders. */
  static Path write(Path dir, String relative, String content) {
    try {
      Path file = dir.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
