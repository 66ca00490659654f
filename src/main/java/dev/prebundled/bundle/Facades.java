package dev.prebundled.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Collection;
import java.util.regex.Pattern;

/**
 * The source of the virtual modules a unit build adds (DESIGN section 4). Each is tiny generated
 * JavaScript; what matters is which module does what:
 *
 * <ul>
 *   <li>an <b>entry facade</b> gives a CommonJS entry a real ESM face: {@code export { default, a,
 *       b } from "<file>"}. It lives in a plugin namespace (not a {@code .mjs} file, not under
 *       {@code "type": "module"}), so esbuild applies the non-Node interop, which is Vite 8's rule:
 *       {@code default} is {@code module.exports}, or {@code exports.default} when {@code
 *       __esModule} is set;
 *   <li>an <b>ESM import half</b> holds {@code import * as ns from "x"} for an external package, so
 *       the import is hoisted into the output as a real ESM import;
 *   <li>a <b>CommonJS require half</b> answers {@code require("x")} from that namespace with the
 *       value CommonJS code expects. One module cannot be both halves: esbuild treats any file
 *       with {@code import} as ESM.
 * </ul>
 */
final class Facades {
  static final String ENTRY_NAMESPACE = "prebundled-facade";
  /** The entry facade as Node-mode importers see it; its path ends in {@link #NODE_SUFFIX}. */
  static final String ENTRY_NODE_NAMESPACE = "prebundled-facade-node";
  static final String NODE_SUFFIX = ".mjs";
  static final String ESM_IMPORT_NAMESPACE = "prebundled-esm-import";
  static final String REQUIRE_NAMESPACE = "prebundled-require";
  static final String EMPTY_NAMESPACE = "prebundled-empty";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern IDENTIFIER_NAME = Pattern.compile("[\\p{L}\\p{Nl}$_][\\p{L}\\p{Nl}\\p{Mn}\\p{Mc}\\p{Nd}\\p{Pc}$\\u200C\\u200D]*");

  private Facades() {}

  /** What a {@code require()} of another package must evaluate to. */
  enum RequireShape {
    /** A CommonJS target: its {@code module.exports}, the same object its ESM default is. */
    MODULE_EXPORTS,
    /** An ESM (or {@code __esModule}) target: its namespace, marked {@code __esModule}. */
    NAMESPACE,
    /** Nothing installed: throws "Cannot find module" when (and only when) it is required. */
    MISSING
  }

  static String entryFacade(Path commonJsFile, Collection<String> names) {
    StringBuilder list = new StringBuilder("default");
    names.stream()
        .filter(n -> !n.equals("default"))
        .sorted()
        .forEach(n -> list.append(", ").append(IDENTIFIER_NAME.matcher(n).matches() ? n : literal(n)));
    return "export { " + list + " } from " + literal(commonJsFile.toString()) + ";\n";
  }

  static String esmImportHalf(String specifier) {
    return "import * as ns from " + literal(specifier) + ";\nexport { ns };\n";
  }

  static String requireHalf(String specifier, RequireShape shape, String requiredFrom) {
    String ns = "require(" + literal(ESM_IMPORT_NAMESPACE + ":" + specifier) + ").ns";
    return switch (shape) {
      case MODULE_EXPORTS -> "module.exports = " + ns + ".default;\n";
      case NAMESPACE -> String.join("\n",
          "var ns = " + ns + ";",
          "var m = Object.defineProperty({}, '__esModule', { value: true });",
          "Object.keys(ns).forEach(function (k) {",
          "  if (k !== '__esModule') Object.defineProperty(m, k, { enumerable: true, get: function () { return ns[k]; } });",
          "});",
          "module.exports = m;",
          "");
      case MISSING -> "var e = new Error(" + literal("Cannot find module '" + specifier + "' (required by " + requiredFrom + ")")
          + ");\ne.code = 'MODULE_NOT_FOUND';\nthrow e;\n";
    };
  }

  static String emptyModule() {
    return "module.exports = {};\n";
  }

  /** A JavaScript string literal: JSON's escaping is valid JavaScript. */
  static String literal(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
