package dev.prebundled.esbuild;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Lenient readers for fields of decoded protocol maps: a missing or mistyped field is empty. */
final class Wire {
  private Wire() {}

  static String string(Map<?, ?> map, String key) {
    Object v = map.get(key);
    if (v instanceof String s) return s;
    if (v instanceof byte[] b) return new String(b, StandardCharsets.UTF_8);
    return "";
  }

  static int integer(Map<?, ?> map, String key) {
    return map.get(key) instanceof Number n ? n.intValue() : 0;
  }

  static boolean bool(Map<?, ?> map, String key) {
    return map.get(key) instanceof Boolean b && b;
  }

  static List<?> list(Map<?, ?> map, String key) {
    return map.get(key) instanceof List<?> l ? l : List.of();
  }
}
