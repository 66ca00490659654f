package dev.prebundled.esbuild;

import java.util.Map;

/**
 * Where esbuild found a problem: the file (and its plugin namespace), a 1-based line, a 0-based
 * byte column, the length of the span, the text of the line, and esbuild's suggested fix.
 */
public record MessageLocation(
    String file, String namespace, int line, int column, int length, String lineText, String suggestion) {

  public static MessageLocation at(String file, int line, int column) {
    return new MessageLocation(file, "file", line, column, 0, "", "");
  }

  static MessageLocation fromWire(Object value) {
    if (!(value instanceof Map<?, ?> map)) return null;
    return new MessageLocation(
        Wire.string(map, "file"),
        Wire.string(map, "namespace"),
        Wire.integer(map, "line"),
        Wire.integer(map, "column"),
        Wire.integer(map, "length"),
        Wire.string(map, "lineText"),
        Wire.string(map, "suggestion"));
  }

  Map<String, Object> toWire() {
    return Map.of(
        "file", file, "namespace", namespace, "line", line, "column", column,
        "length", length, "lineText", lineText, "suggestion", suggestion);
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
