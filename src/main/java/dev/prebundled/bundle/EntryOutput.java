package dev.prebundled.bundle;

import dev.prebundled.resolve.ModuleFormat;
import java.util.List;
import java.util.Optional;

/**
 * What one entry of a unit became: the output file that is its module (a name relative to the
 * unit's output folder), the file Node-mode importers get instead where their interop differs
 * (an {@code __esModule} CommonJS entry), the names it exports, and the source it was built from
 * (its path relative to the package root, and its format).
 */
public record EntryOutput(String entry, String file, Optional<String> nodeFile, List<String> exports, String source,
    ModuleFormat sourceFormat) {
  public EntryOutput {
    exports = List.copyOf(exports);
  }
}
