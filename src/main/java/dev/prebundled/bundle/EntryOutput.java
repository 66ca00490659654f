package dev.prebundled.bundle;

import dev.prebundled.resolve.ModuleFormat;
import java.util.List;

/**
 * What one entry of a unit became: the output file that is its module (a name relative to the
 * unit's output folder), the names it exports, and the source it was built from (its path
 * relative to the package root, and its format).
 */
public record EntryOutput(String entry, String file, List<String> exports, String source, ModuleFormat sourceFormat) {
  public EntryOutput {
    exports = List.copyOf(exports);
  }
}
