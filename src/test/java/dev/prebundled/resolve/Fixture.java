package dev.prebundled.resolve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes synthetic packages into a temporary directory; package.json bodies use ' for ". */
final class Fixture {
  private final Path root;

  Fixture(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  Path path(String relative) {
    return root.resolve(relative);
  }

  /** Writes {@code relative}/package.json, with single quotes turned into double quotes. */
  Fixture pkg(String relativeDir, String json) {
    return file(relativeDir + "/package.json", json.replace('\'', '"'));
  }

  /** Writes the given files with a one-line body naming the file. */
  Fixture files(String relativeDir, String... names) {
    for (String name : names) {
      file(relativeDir + "/" + name, "export default '" + name + "';\n");
    }
    return this;
  }

  Fixture file(String relative, String content) {
    Path file = root.resolve(relative);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
