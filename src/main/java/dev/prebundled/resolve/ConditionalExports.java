package dev.prebundled.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import dev.prebundled.error.SourceLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code exports}/{@code imports} matching of Node's ESM resolution algorithm
 * ({@code PACKAGE_EXPORTS_RESOLVE}, {@code PACKAGE_IMPORTS_RESOLVE},
 * {@code PACKAGE_IMPORTS_EXPORTS_RESOLVE} and {@code PACKAGE_TARGET_RESOLVE} in Node's
 * "Modules: Packages" documentation), as pure functions of the JSON field, the requested key and a
 * set of conditions. It maps a key to a target string and never touches the file system: an
 * {@code exports} target is a {@code ./}-relative path inside the package; an {@code imports}
 * target may also be a bare specifier of another package. Invalid package configuration fails
 * with {@link ErrorCode#INVALID_PACKAGE}; a key that is not exported (absent, or mapped to
 * {@code null}) gives an empty result so the caller can word the error.
 */
public final class ConditionalExports {

  private static final Pattern ARRAY_INDEX = Pattern.compile("0|[1-9][0-9]*");
  private static final Pattern URL_LIKE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
  private static final Pattern PERCENT = Pattern.compile("%([0-9A-Fa-f]{2})");

  /**
   * The result of matching one target: {@code target} when something matched, {@code excluded}
   * when a {@code null} target excluded the key, neither when no condition matched (Node's
   * "undefined", which lets the enclosing condition object try its next key).
   */
  private record Outcome(String target, boolean excluded) {
    static final Outcome UNDEFINED = new Outcome(null, false);
    static final Outcome NULL = new Outcome(null, true);

    boolean isUndefined() {
      return target == null && !excluded;
    }
  }

  /** Thrown for an invalid target; array fallbacks skip it, as Node does. */
  private static final class InvalidTarget extends PrebundledException {
    InvalidTarget(String message, Path packageJson) {
      super(ErrorCode.INVALID_PACKAGE, message, null, SourceLocation.ofFile(String.valueOf(packageJson)), null);
    }
  }

  private ConditionalExports() {}

  /**
   * Resolves {@code subpath} ({@code .} or {@code ./x}) through an {@code exports} value. Returns
   * the {@code ./}-relative target, or empty when the subpath is not exported.
   *
   * @param packageJson only used to name the file in error messages
   */
  public static Optional<String> resolveExports(
      JsonNode exports, String subpath, Set<String> conditions, Path packageJson) {
    if (exports == null || exports.isMissingNode() || exports.isNull()) {
      return Optional.empty();
    }
    boolean sugar = exports.isTextual() || exports.isArray() || (exports.isObject() && !hasDotKeys(exports, packageJson));
    if (sugar) {
      // The string, array and conditions-object forms all describe "." only.
      if (!subpath.equals(".")) {
        return Optional.empty();
      }
      return found(targetResolve(exports, null, false, conditions, packageJson));
    }
    if (!exports.isObject()) {
      return Optional.empty();
    }
    return found(importsExportsResolve(subpath, exports, false, conditions, packageJson));
  }

  /**
   * Resolves a package import {@code name} ({@code #x}) through an {@code imports} value. Returns
   * a {@code ./}-relative path inside the package or a bare specifier of another package, or
   * empty when the import is not defined.
   */
  public static Optional<String> resolveImports(
      JsonNode imports, String name, Set<String> conditions, Path packageJson) {
    if (!name.startsWith("#") || name.equals("#") || name.startsWith("#/")) {
      throw new PrebundledException(
          ErrorCode.BAD_REQUEST, "Invalid package import specifier '" + name + "'");
    }
    if (imports == null || !imports.isObject()) {
      return Optional.empty();
    }
    return found(importsExportsResolve(name, imports, true, conditions, packageJson));
  }

  private static Optional<String> found(Outcome outcome) {
    return Optional.ofNullable(outcome.target());
  }

  // An exports object is either all subpath keys (".", "./x") or all condition keys; mixing them
  // is an error in Node, and reporting it beats guessing which half the author meant.
  private static boolean hasDotKeys(JsonNode object, Path packageJson) {
    boolean dot = false;
    boolean other = false;
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (key.startsWith(".")) {
        dot = true;
      } else {
        other = true;
      }
    }
    if (dot && other) {
      throw new PrebundledException(
          ErrorCode.INVALID_PACKAGE,
          "Invalid \"exports\" in " + packageJson
              + ": keys starting with '.' (subpaths) and other keys (conditions) cannot be mixed",
          null,
          SourceLocation.ofFile(String.valueOf(packageJson)),
          null);
    }
    return dot;
  }

  private static Outcome importsExportsResolve(
      String matchKey, JsonNode matchObj, boolean isImports, Set<String> conditions, Path packageJson) {
    if (!matchKey.contains("*") && matchObj.has(matchKey)) {
      return targetResolve(matchObj.get(matchKey), null, isImports, conditions, packageJson);
    }
    List<String> expansionKeys = new ArrayList<>();
    for (Iterator<String> it = matchObj.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      int star = key.indexOf('*');
      if (star >= 0 && star == key.lastIndexOf('*')) {
        expansionKeys.add(key);
      }
    }
    expansionKeys.sort(ConditionalExports::patternKeyCompare);
    for (String expansionKey : expansionKeys) {
      int star = expansionKey.indexOf('*');
      String patternBase = expansionKey.substring(0, star);
      if (matchKey.startsWith(patternBase) && !matchKey.equals(patternBase)) {
        String patternTrailer = expansionKey.substring(star + 1);
        if (patternTrailer.isEmpty()
            || (matchKey.endsWith(patternTrailer) && matchKey.length() >= expansionKey.length())) {
          String patternMatch =
              matchKey.substring(patternBase.length(), matchKey.length() - patternTrailer.length());
          // The most specific matching pattern decides, even when its target is null.
          return targetResolve(
              matchObj.get(expansionKey), patternMatch, isImports, conditions, packageJson);
        }
      }
    }
    return Outcome.UNDEFINED;
  }

  // Node's PATTERN_KEY_COMPARE: longer prefix before '*' first, then longer key first.
  private static int patternKeyCompare(String keyA, String keyB) {
    int baseLengthA = keyA.indexOf('*') + 1;
    int baseLengthB = keyB.indexOf('*') + 1;
    if (baseLengthA != baseLengthB) {
      return baseLengthA > baseLengthB ? -1 : 1;
    }
    return Integer.compare(keyB.length(), keyA.length());
  }

  private static Outcome targetResolve(
      JsonNode target, String patternMatch, boolean isImports, Set<String> conditions, Path packageJson) {
    if (target == null || target.isNull()) {
      return Outcome.NULL;
    }
    if (target.isTextual()) {
      return stringTarget(target.asText(), patternMatch, isImports, packageJson);
    }
    if (target.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = target.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String condition = entry.getKey();
        if (ARRAY_INDEX.matcher(condition).matches()) {
          throw new PrebundledException(
              ErrorCode.INVALID_PACKAGE,
              "Invalid package configuration in " + packageJson
                  + ": condition keys cannot be numbers (\"" + condition + "\")",
              null,
              SourceLocation.ofFile(String.valueOf(packageJson)),
              null);
        }
        if (condition.equals("default") || conditions.contains(condition)) {
          Outcome outcome =
              targetResolve(entry.getValue(), patternMatch, isImports, conditions, packageJson);
          if (!outcome.isUndefined()) {
            return outcome;
          }
        }
      }
      return Outcome.UNDEFINED;
    }
    if (target.isArray()) {
      if (target.isEmpty()) {
        return Outcome.NULL;
      }
      // Node takes the first entry that is valid and matches; it does not check that the file
      // exists. Invalid entries are skipped, and the last error is reported if nothing matched.
      InvalidTarget lastError = null;
      Outcome last = Outcome.UNDEFINED;
      for (JsonNode item : target) {
        Outcome outcome;
        try {
          outcome = targetResolve(item, patternMatch, isImports, conditions, packageJson);
        } catch (InvalidTarget e) {
          lastError = e;
          continue;
        }
        if (outcome.target() != null) {
          return outcome;
        }
        if (outcome.excluded()) {
          lastError = null;
          last = Outcome.NULL;
        }
      }
      if (lastError != null) {
        throw lastError;
      }
      return last;
    }
    throw new InvalidTarget(
        "Invalid package target " + target + " in " + packageJson + ": expected a string, object, array or null",
        packageJson);
  }

  private static Outcome stringTarget(
      String target, String patternMatch, boolean isImports, Path packageJson) {
    if (!target.startsWith("./")) {
      // Only "imports" may map to another package, and never to a relative, absolute or URL path.
      if (!isImports || target.startsWith("../") || target.startsWith("/") || URL_LIKE.matcher(target).find()) {
        throw new InvalidTarget(
            "Invalid package target \"" + target + "\" in " + packageJson
                + (isImports ? ": must start with \"./\" or be a package name" : ": must start with \"./\""),
            packageJson);
      }
      return new Outcome(patternMatch == null ? target : target.replace("*", patternMatch), false);
    }
    // ".." and node_modules segments would escape the package. Node only deprecates "" and "."
    // segments in targets, so they are tolerated here and normalized away by the caller.
    for (String segment : target.substring(2).split("[/\\\\]", -1)) {
      String decoded = percentDecode(segment).toLowerCase(java.util.Locale.ROOT);
      if (decoded.equals("..") || decoded.equals("node_modules")) {
        throw new InvalidTarget(
            "Invalid package target \"" + target + "\" in " + packageJson
                + ": it must not contain \"..\" or \"node_modules\" segments",
            packageJson);
      }
    }
    if (patternMatch == null) {
      return new Outcome(target, false);
    }
    for (String segment : patternMatch.split("[/\\\\]", -1)) {
      String decoded = percentDecode(segment).toLowerCase(java.util.Locale.ROOT);
      if (decoded.isEmpty() || decoded.equals(".") || decoded.equals("..") || decoded.equals("node_modules")) {
        throw new PrebundledException(
            ErrorCode.MODULE_NOT_FOUND,
            "Invalid subpath \"" + patternMatch + "\" for pattern target \"" + target + "\" in "
                + packageJson + ": it has an empty, '.', '..' or node_modules segment");
      }
    }
    return new Outcome(target.replace("*", patternMatch), false);
  }

  private static String percentDecode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    return PERCENT
        .matcher(segment)
        .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 16))));
  }
}
