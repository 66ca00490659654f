package dev.prebundled.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The import specifiers of the corpus (src/test/corpus/packages.json, the project's copy of ../shared/corpus). */
final class Corpus {
  static final Path FILE = dev.prebundled.testing.TestPaths.projectDir().resolve("src/test/corpus/packages.json");

  private Corpus() {}

  /** All specifiers, or only those of packages that have an "exports" map in the install. */
  static List<String> specifiers(boolean onlyWithExports) {
    try {
      Path project = RealPackages.projectDir();
      ObjectMapper mapper = new ObjectMapper();
      JsonNode root = mapper.readTree(FILE.toFile());
      List<String> specifiers = new ArrayList<>();
      for (JsonNode entry : root.get("packages")) {
        String name = entry.get("name").asText();
        if (onlyWithExports) {
          JsonNode packageJson = mapper.readTree(project.resolve("node_modules").resolve(name).resolve("package.json").toFile());
          if (!packageJson.has("exports")) {
            continue;
          }
        }
        entry.get("imports").forEach(spec -> specifiers.add(spec.asText()));
      }
      return specifiers;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
