package dev.prebundled.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of one {@code package.json} that resolution and module-format detection need, as read
 * by {@link PackageJsonReader}. {@code exports}, {@code imports}, {@code browser} and
 * {@code sideEffects} keep their JSON shape (string, object, array, boolean, null) because their
 * meaning depends on it; absent fields are {@code null} ({@code name}, {@code version},
 * {@code type}) or a {@link com.fasterxml.jackson.databind.node.MissingNode}. Every top-level
 * string field is also kept in {@code stringFields}, so arbitrary main fields such as
 * {@code jsnext:main} can be looked up. The JSON nodes are never modified after reading: treat
 * them as read-only.
 */
public record PackageJson(
    Path file,
    String name,
    String version,
    String type,
    String main,
    String module,
    JsonNode browser,
    JsonNode exports,
    JsonNode imports,
    JsonNode sideEffects,
    Map<String, String> stringFields) {

  public PackageJson {
    stringFields = Map.copyOf(stringFields);
  }

  /**
   * Stands in for a package directory without a package.json, which Node still resolves (through
   * {@code index.js}).
   */
  public static PackageJson absent(Path file) {
    JsonNode missing = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    return new PackageJson(file, null, null, null, null, null, missing, missing, missing, missing, Map.of());
  }

  /** The directory that holds this package.json. */
  public Path dir() {
    return file.getParent();
  }

  /** A top-level string field, such as {@code module} or {@code jsnext:main}. */
  public Optional<String> stringField(String field) {
    return Optional.ofNullable(stringFields.get(field));
  }

  public boolean hasExports() {
    return exports != null && !exports.isMissingNode() && !exports.isNull();
  }

  public boolean hasImports() {
    return imports != null && imports.isObject();
  }

  /** The {@code browser} field when it is an object (a file/module replacement map). */
  public Optional<JsonNode> browserMap() {
    return browser != null && browser.isObject() ? Optional.of(browser) : Optional.empty();
  }

  /** The {@code browser} field when it is a string (an alternative main entry). */
  public Optional<String> browserEntry() {
    return browser != null && browser.isTextual() ? Optional.of(browser.asText()) : Optional.empty();
  }

  /** Whether {@code type} is {@code module}. */
  public boolean isTypeModule() {
    return "module".equals(type);
  }
}
