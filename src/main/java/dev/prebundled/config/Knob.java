package dev.prebundled.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * One configuration knob from {@code knobs.json}: its dotted key, the type its value must have,
 * the allowed range or values, and its default. The same table drives the Vite plugin's
 * validation, so a key is checked the same way on both sides.
 */
public record Knob(String key, Type type, Optional<Double> min, Optional<Double> max, List<String> values, JsonNode defaultValue, String doc) {

  /** The value types knobs use. {@code CODES} is a list of error codes; {@code ENUM_LIST} a list of enum values. */
  public enum Type {
    BOOLEAN("boolean"),
    INTEGER("integer"),
    NUMBER("number"),
    STRING("string"),
    ENUM("enum"),
    ENUM_LIST("enum[]"),
    CODES("codes");

    final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }

    static Type of(String name) {
      for (Type type : values()) {
        if (type.wireName.equals(name)) return type;
      }
      throw new IllegalArgumentException("unknown knob type " + name);
    }
  }

  public Knob {
    values = List.copyOf(values);
  }
}
