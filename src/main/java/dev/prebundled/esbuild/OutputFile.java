package dev.prebundled.esbuild;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A file esbuild produced, in memory: its absolute path, its bytes and esbuild's content hash. */
public record OutputFile(Path path, byte[] contents, String hash) {

  public String text() {
    return new String(contents, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "OutputFile[" + path + ", " + contents.length + " bytes]";
  }
}
