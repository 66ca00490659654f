package dev.prebundled.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every knob of the table refuses a value of the wrong type and, where it has one, a value out of
 * its range, with a message that names the knob's full key; rules between knobs do the same.
 */
class KnobValidationTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Values each type must refuse. */
  private static List<JsonNode> wrongValues(Knob knob) {
    List<JsonNode> wrong = new ArrayList<>();
    switch (knob.type()) {
      case BOOLEAN -> wrong.addAll(List.of(NODES.textNode("yes"), NODES.numberNode(1)));
      case INTEGER -> wrong.addAll(List.of(NODES.textNode("5"), NODES.numberNode(1.5), NODES.booleanNode(true)));
      case NUMBER -> wrong.addAll(List.of(NODES.textNode("0.5"), NODES.booleanNode(false)));
      case STRING -> wrong.addAll(List.of(NODES.numberNode(42), NODES.textNode(" ")));
      case ENUM -> wrong.addAll(List.of(NODES.textNode("no-such-value"), NODES.numberNode(1)));
      case ENUM_LIST -> wrong.addAll(List.of(NODES.textNode(knob.values().get(0)), NODES.arrayNode().add("no-such-value")));
      case CODES -> wrong.addAll(List.of(NODES.textNode("ETIMEDOUT"), NODES.arrayNode().add("not a code"), NODES.arrayNode().add(7)));
    }
    knob.min().ifPresent(min -> wrong.add(knob.type() == Knob.Type.INTEGER ? NODES.numberNode((long) (min - 1)) : NODES.numberNode(min - 0.01)));
    knob.max().ifPresent(max -> wrong.add(knob.type() == Knob.Type.INTEGER ? NODES.numberNode((long) (max + 1)) : NODES.numberNode(max + 0.01)));
    return wrong;
  }

  private static ObjectNode config(String key, JsonNode value) {
    ObjectNode root = NODES.objectNode();
    KnobTable.put(root, key, value);
    return root;
  }

  @TestFactory
  Stream<DynamicTest> everyKnobRejectsAWrongTypeOrRangeNamingTheKey() {
    return KnobTable.standard().knobs().values().stream().flatMap(knob -> wrongValues(knob).stream().map(value ->
        DynamicTest.dynamicTest(knob.key() + " = " + value, () -> {
          ConfigException e = catchThrowableOfType(() -> Settings.from(config(knob.key(), value)), ConfigException.class);
          assertThat(e).as("%s = %s must be refused", knob.key(), value).isNotNull();
          assertThat(e.problems()).hasSize(1);
          assertThat(e.problems().get(0)).startsWith(knob.key()).contains("must");
        })));
  }

  @Test
  void everyKnobAcceptsItsDefault() {
    for (Knob knob : KnobTable.standard().knobs().values()) {
      assertThat(Settings.from(config(knob.key(), knob.defaultValue())).raw().get(knob.key())).isEqualTo(knob.defaultValue());
    }
  }

  @Test
  void unknownKeysAndNonObjectSectionsAreNamed() throws Exception {
    ConfigException e = catchThrowableOfType(() -> Settings.from(JSON.readTree(
        "{\"retryStrategy\": {\"maxAtempts\": 3}, \"server\": {\"processLimits\": 5}}")), ConfigException.class);
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("retryStrategy.maxAtempts is not a known setting")
        .contains("did you mean retryStrategy.maxAttempts"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("server.processLimits must be an object"));
  }

  @Test
  void rulesBetweenKnobsNameBothKeys() throws Exception {
    ConfigException both = catchThrowableOfType(() -> Settings.from(JSON.readTree(
        "{\"errorHandling\": {\"transientErrors\": [\"EBUSY\"], \"permanentErrors\": [\"EBUSY\"]}}")), ConfigException.class);
    assertThat(both.problems()).singleElement().asString()
        .contains("errorHandling.transientErrors", "errorHandling.permanentErrors", "EBUSY");
    ConfigException delays = catchThrowableOfType(() -> Settings.from(JSON.readTree(
        "{\"retryStrategy\": {\"baseDelay\": 500, \"maxDelay\": 100}}")), ConfigException.class);
    assertThat(delays.problems()).singleElement().asString().contains("retryStrategy.maxDelay", "retryStrategy.baseDelay");
    ConfigException heap = catchThrowableOfType(() -> Settings.from(JSON.readTree(
        "{\"server\": {\"resourceManagement\": {\"maxOldSpaceSize\": 256, \"maxSemiSpaceSize\": 256}}}")), ConfigException.class);
    assertThat(heap.problems()).singleElement().asString()
        .contains("server.resourceManagement.maxSemiSpaceSize", "server.resourceManagement.maxOldSpaceSize", "-Xmx");
  }

  @Test
  void resourceKnobsMapToEsbuildsEnvironmentAndTheIndexBudget() throws Exception {
    Settings settings = Settings.from(JSON.readTree("{\"optimizeDeps\": {\"cpuLimit\": 0.05, \"memoryLimit\": 256}}"));
    assertThat(settings.optimizeDeps().esbuildEnvironment()).containsEntry("GOMAXPROCS", "1").containsEntry("GOMEMLIMIT", "256MiB");
    assertThat(settings.optimizeDeps().indexWeightBytes()).isEqualTo(64L << 20);
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(Settings.defaults().optimizeDeps().esbuildEnvironment()).containsEntry("GOMAXPROCS", Integer.toString(cores));
  }
}
