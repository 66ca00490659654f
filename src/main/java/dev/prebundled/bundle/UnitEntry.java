package dev.prebundled.bundle;

import dev.prebundled.resolve.ModuleFormat;
import dev.prebundled.resolve.ResolvedModule;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of a unit after resolution: the subpath, the module it resolved to, its format, and
 * for a CommonJS entry the export names its facade re-exports and whether it is marked {@code
 * __esModule}.
 */
record UnitEntry(String subpath, ResolvedModule module, ModuleFormat format, Set<String> commonJsNames, boolean esModule) {

  boolean needsFacade() {
    return module.browserExcluded() || format == ModuleFormat.COMMONJS;
  }

  /**
   * The input of this entry as a Node-mode importer sees it ({@code .mjs}, or under {@code "type":
   * "module"}): there the default export of an {@code __esModule} CommonJS module is {@code
   * module.exports}, not {@code exports.default}, so such an entry gets a second facade whose
   * virtual path ends in {@code .mjs} (esbuild then applies Node's interop). Both facades share the
   * CommonJS module in one chunk: still one instance.
   */
  Optional<String> nodeInputPath() {
    if (module.browserExcluded() || format != ModuleFormat.COMMONJS || !esModule) return Optional.empty();
    return Optional.of(Facades.ENTRY_NODE_NAMESPACE + ":" + subpath + Facades.NODE_SUFFIX);
  }

  /** What esbuild is given as this entry's input path. */
  String inputPath() {
    if (module.browserExcluded()) return Facades.EMPTY_NAMESPACE + ":" + subpath;
    return needsFacade() ? Facades.ENTRY_NAMESPACE + ":" + subpath : module.file().toString();
  }
}
