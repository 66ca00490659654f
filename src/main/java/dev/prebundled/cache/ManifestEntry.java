package dev.prebundled.cache;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What one entry of a unit became, as the manifest records it: the output file that is its module
 * (a file of the unit), the file Node-mode importers get instead (null when they get the same),
 * the names it exports, the source it was built from (relative to the package root) and that
 * source's module format.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ManifestEntry(String file, String nodeFile, List<String> exports, String source, String format) {
  public ManifestEntry {
    CacheNames.contentFileName(file);
    if (nodeFile != null) CacheNames.contentFileName(nodeFile);
    exports = List.copyOf(exports);
    if (source == null) source = "";
    if (format == null) format = "";
  }
}
