package dev.prebundled.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prebundled.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The table of every knob, loaded from {@code knobs.json} (shared with the Vite plugin), and the
 * validation of a nested configuration object against it. Validation collects every problem
 * rather than stopping at the first, and each message names the full dotted key.
 */
public final class KnobTable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, Knob> knobs;

  private KnobTable(Map<String, Knob> knobs) {
    this.knobs = Map.copyOf(knobs);
  }

  /** The table shipped with prebundled. */
  public static KnobTable standard() {
    try (InputStream in = KnobTable.class.getResourceAsStream("knobs.json")) {
      if (in == null) throw new IllegalStateException("knobs.json is missing from the classpath");
      return parse(JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static KnobTable parse(JsonNode root) {
    Map<String, Knob> knobs = new LinkedHashMap<>();
    root.path("knobs").fields().forEachRemaining(e -> {
      JsonNode k = e.getValue();
      List<String> values = new ArrayList<>();
      k.path("values").forEach(v -> values.add(v.asText()));
      knobs.put(e.getKey(), new Knob(e.getKey(), Knob.Type.of(k.path("type").asText()),
          k.has("min") ? Optional.of(k.get("min").asDouble()) : Optional.empty(),
          k.has("max") ? Optional.of(k.get("max").asDouble()) : Optional.empty(),
          values, k.get("default"), k.path("doc").asText()));
    });
    return new KnobTable(knobs);
  }

  public Map<String, Knob> knobs() {
    return knobs;
  }

  /**
   * Validates a nested configuration ({@code {"optimizeDeps": {"maxConcurrent": 4}}}) and returns
   * every knob's effective value by dotted key, defaults filled in.
   *
   * @throws ConfigException naming every key that is unknown or has a wrong type or range
   */
  public Map<String, JsonNode> resolve(JsonNode config) {
    List<String> problems = new ArrayList<>();
    Map<String, JsonNode> given = new LinkedHashMap<>();
    if (config != null && !config.isNull()) {
      if (!config.isObject()) {
        throw new ConfigException(List.of("the configuration must be a JSON object, got " + describe(config)));
      }
      flatten("", config, given, problems);
    }
    Map<String, JsonNode> effective = new LinkedHashMap<>();
    for (Knob knob : knobs.values()) {
      JsonNode value = given.remove(knob.key());
      if (value == null || value.isNull()) {
        effective.put(knob.key(), knob.defaultValue());
      } else {
        check(knob, value).ifPresent(problems::add);
        effective.put(knob.key(), value);
      }
    }
    given.keySet().forEach(key -> problems.add(key + " is not a known setting" + suggestion(key)));
    if (!problems.isEmpty()) throw new ConfigException(problems);
    return effective;
  }

  /** The defaults as nested JSON, as a client would send them. */
  public ObjectNode defaultsAsJson() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    knobs.values().forEach(k -> put(root, k.key(), k.defaultValue()));
    return root;
  }

  static void put(ObjectNode root, String dottedKey, JsonNode value) {
    String[] parts = dottedKey.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) node = node.with(parts[i]);
    node.set(parts[parts.length - 1], value);
  }

  private void flatten(String prefix, JsonNode node, Map<String, JsonNode> out, List<String> problems) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      if (knobs.containsKey(key)) {
        out.put(key, field.getValue());
      } else if (field.getValue().isObject() && knobs.keySet().stream().anyMatch(k -> k.startsWith(key + "."))) {
        flatten(key, field.getValue(), out, problems);
      } else if (knobs.keySet().stream().anyMatch(k -> k.startsWith(key + "."))) {
        problems.add(key + " must be an object of settings, got " + describe(field.getValue()));
      } else {
        out.put(key, field.getValue()); // reported as unknown below
      }
    }
  }

  private static Optional<String> check(Knob knob, JsonNode value) {
    String key = knob.key();
    switch (knob.type()) {
      case BOOLEAN:
        return value.isBoolean() ? Optional.empty() : Optional.of(key + " must be true or false, got " + describe(value));
      case INTEGER:
        if (!value.isIntegralNumber()) return Optional.of(key + " must be an integer" + range(knob) + ", got " + describe(value));
        return inRange(knob, value.asDouble()) ? Optional.empty() : Optional.of(key + " must be an integer" + range(knob) + ", got " + value.asText());
      case NUMBER:
        if (!value.isNumber()) return Optional.of(key + " must be a number" + range(knob) + ", got " + describe(value));
        return inRange(knob, value.asDouble()) ? Optional.empty() : Optional.of(key + " must be a number" + range(knob) + ", got " + value.asText());
      case STRING:
        return value.isTextual() && !value.asText().isBlank() ? Optional.empty() : Optional.of(key + " must be a non-empty string, got " + describe(value));
      case ENUM:
        return value.isTextual() && knob.values().contains(value.asText()) ? Optional.empty()
            : Optional.of(key + " must be one of " + knob.values() + ", got " + describe(value));
      case ENUM_LIST:
        return checkList(key, value, item -> knob.values().contains(item), "one of " + knob.values());
      case CODES:
        return checkList(key, value, KnobTable::isKnownCode, "an error code such as ETIMEDOUT or MODULE_NOT_FOUND");
      default:
        throw new IllegalStateException(knob.type().toString());
    }
  }

  private static Optional<String> checkList(String key, JsonNode value, java.util.function.Predicate<String> valid, String what) {
    if (!value.isArray()) return Optional.of(key + " must be a list, got " + describe(value));
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (!item.isTextual() || !valid.test(item.asText())) {
        return Optional.of(key + "[" + i + "] must be " + what + ", got " + describe(item));
      }
    }
    return Optional.empty();
  }

  private static boolean isKnownCode(String code) {
    for (ErrorCode known : ErrorCode.values()) {
      if (known.name().equals(code)) return true;
    }
    return code.matches("E[A-Z]+"); // errno-style codes from Node or the OS, e.g. EPIPE
  }

  private static boolean inRange(Knob knob, double v) {
    return knob.min().map(min -> v >= min).orElse(true) && knob.max().map(max -> v <= max).orElse(true);
  }

  private static String range(Knob knob) {
    if (knob.min().isEmpty() && knob.max().isEmpty()) return "";
    return " from " + number(knob.min().orElse(Double.NEGATIVE_INFINITY)) + " to " + number(knob.max().orElse(Double.POSITIVE_INFINITY));
  }

  private static String number(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  static String describe(JsonNode value) {
    if (value.isTextual()) return "\"" + value.asText() + "\" (a string)";
    if (value.isArray()) return "a list";
    if (value.isObject()) return "an object";
    return value.toString();
  }

  private String suggestion(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : knobs.keySet()) {
      int d = distance(key.toLowerCase(), known.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = known;
      }
    }
    return best != null && bestDistance <= Math.max(2, key.length() / 4) ? " (did you mean " + best + "?)" : "";
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) previous[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
