package dev.prebundled.error;

/**
 * Where in a file a problem was found: the file path, a 1-based line and a 0-based column, and the
 * text of that line when known. Used by every error that can point at source code.
 */
public record SourceLocation(String file, int line, int column, String lineText) {

  public static SourceLocation ofFile(String file) {
    return new SourceLocation(file, 0, 0, "");
  }

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ":" + column : file;
  }
}
