package dev.prebundled.bundle;

import dev.prebundled.resolve.ModuleFormat;
import dev.prebundled.resolve.ResolvedModule;
import java.util.Set;

/**
 * One entry of a unit after resolution: the subpath, the module it resolved to, its format, and
 * for a CommonJS entry the export names its facade re-exports.
 */
record UnitEntry(String subpath, ResolvedModule module, ModuleFormat format, Set<String> commonJsNames) {

  boolean needsFacade() {
    return module.browserExcluded() || format == ModuleFormat.COMMONJS;
  }

  /** What esbuild is given as this entry's input path. */
  String inputPath() {
    if (module.browserExcluded()) return Facades.EMPTY_NAMESPACE + ":" + subpath;
    return needsFacade() ? Facades.ENTRY_NAMESPACE + ":" + subpath : module.file().toString();
  }
}
