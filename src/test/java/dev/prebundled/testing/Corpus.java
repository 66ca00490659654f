package dev.prebundled.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The corpus of real packages the tests bundle (src/test/corpus/packages.json, a copy of ../shared/corpus). */
public final class Corpus {
  private Corpus() {}

  /** One package of the corpus and the import specifiers to check. */
  public record CorpusPackage(String name, String version, List<String> imports, String format) {
    /** The subpath of an import: {@code .} for the package itself, {@code ./client} for {@code react-dom/client}. */
    public String subpathOf(String specifier) {
      return specifier.equals(name) ? "." : "." + specifier.substring(name.length());
    }
  }

  public static List<CorpusPackage> packages() {
    return read(TestPaths.projectDir().resolve("src/test/corpus/packages.json"));
  }

  public static List<CorpusPackage> read(Path file) {
    try {
      JsonNode root = new ObjectMapper().readTree(file.toFile());
      List<CorpusPackage> packages = new ArrayList<>();
      for (JsonNode p : root.path("packages")) {
        List<String> imports = new ArrayList<>();
        p.path("imports").forEach(i -> imports.add(i.asText()));
        packages.add(new CorpusPackage(p.path("name").asText(), p.path("version").asText(), imports, p.path("format").asText()));
      }
      return packages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
