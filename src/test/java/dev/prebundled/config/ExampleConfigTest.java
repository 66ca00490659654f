package dev.prebundled.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prebundled.testing.TestPaths;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code config/prebundled.json} is the example people copy for {@code --config}: it must name
 * every knob, nothing else, and hold the defaults, so it cannot drift from the knob table.
 */
class ExampleConfigTest {
  private static JsonNode example() throws IOException {
    return new ObjectMapper().readTree(TestPaths.projectDir().resolve("config/prebundled.json").toFile());
  }

  @Test
  void namesEveryKnobAndNothingElse() throws IOException {
    TreeSet<String> keys = new TreeSet<>();
    collectLeaves("", example(), keys);
    assertThat(keys).isEqualTo(new TreeSet<>(Settings.defaults().raw().keySet()));
  }

  @Test
  void holdsTheDefaults() throws IOException {
    assertThat(Settings.from(example()).toJson()).isEqualTo(Settings.defaults().toJson());
  }

  private static void collectLeaves(String prefix, JsonNode node, TreeSet<String> keys) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      if (field.getValue().isObject()) collectLeaves(key, field.getValue(), keys);
      else keys.add(key);
    }
  }
}
