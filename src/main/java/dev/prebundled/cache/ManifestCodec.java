package dev.prebundled.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads and writes {@code manifest.json}. Output is stable (properties and map keys sorted) so the
 * same unit always gives the same bytes. Reading checks the schema number before mapping, so a
 * manifest from a future format is reported as unknown instead of half-read.
 */
final class ManifestCodec {
  private final ObjectMapper mapper =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  byte[] write(Manifest manifest) {
    try {
      return mapper.writeValueAsBytes(manifest);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize a manifest", e);
    }
  }

  /** The manifest, or empty when the bytes are not a manifest of {@link Manifest#SCHEMA}. */
  Optional<Manifest> read(byte[] bytes) {
    try {
      JsonNode tree = mapper.readTree(bytes);
      if (tree == null || !tree.path("schema").isInt() || tree.path("schema").intValue() != Manifest.SCHEMA) {
        return Optional.empty();
      }
      return Optional.of(mapper.treeToValue(tree, Manifest.class));
    } catch (IOException | RuntimeException e) {
      // Anything unreadable (truncated, hand-edited, unsafe names refused by the records) is simply not a unit.
      return Optional.empty();
    }
  }
}
