package dev.prebundled.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of esbuild's metafile the bundler reads: each input's detected format and each
 * output's entry point, exports and imports (external ones are the unit's edges to other packages).
 * Paths are as esbuild writes them: relative to the build's working directory.
 */
record Metafile(Map<String, Input> inputs, Map<String, Output> outputs) {

  record Import(String path, String kind, boolean external) {}

  record Input(Optional<String> format, List<Import> imports) {}

  record Output(Optional<String> entryPoint, List<String> exports, List<Import> imports, List<String> inputs) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static Metafile parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("esbuild returned an unreadable metafile", e);
    }
    Map<String, Input> inputs = new LinkedHashMap<>();
    root.path("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), new Input(
        text(e.getValue(), "format"), imports(e.getValue()))));
    Map<String, Output> outputs = new LinkedHashMap<>();
    root.path("outputs").fields().forEachRemaining(e -> {
      List<String> exports = new ArrayList<>();
      e.getValue().path("exports").forEach(n -> exports.add(n.asText()));
      List<String> contained = new ArrayList<>();
      e.getValue().path("inputs").fieldNames().forEachRemaining(contained::add);
      outputs.put(e.getKey(), new Output(text(e.getValue(), "entryPoint"), exports, imports(e.getValue()), contained));
    });
    return new Metafile(inputs, outputs);
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  private static List<Import> imports(JsonNode node) {
    List<Import> imports = new ArrayList<>();
    node.path("imports").forEach(i -> imports.add(new Import(
        i.path("path").asText(), i.path("kind").asText(), i.path("external").asBoolean(false))));
    return imports;
  }
}
