package dev.prebundled.daemon;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prebundled.rpc.ErrorData;
import java.util.List;

/**
 * The params and results of the daemon's methods, as Jackson reads and writes them; the
 * protocol they make is documented in {@code docs/protocol.md}.
 */
public final class Messages {
  private Messages() {}

  /** The protocol version; a client speaking another is refused by {@code hello}. */
  public static final int PROTOCOL = 1;

  public record HelloParams(Integer protocol, String client, JsonNode settings) {}

  public record SettingMismatch(String key, JsonNode daemon, JsonNode client) {}

  public record HelloResult(int protocol, String version, long pid, String cacheDir, String session, JsonNode settings,
      List<SettingMismatch> settingsMismatch) {}

  /** One bare import to answer: the package (root, name, version, found by the client's resolver) and the entry. */
  public record ImportSpec(String specifier, String packageRoot, String name, String version, String entry) {}

  public record BundleParams(String project, String workspaceRoot, String mode, List<String> conditions, List<String> mainFields,
      List<ImportSpec> imports) {}

  /** Why a client must reload: a unit it already served had to grow. */
  public record Reload(String unit, List<String> newEntries, String reason) {}

  /**
   * The answer for one import: the built file and its facts, or an error. {@code nodeFile} (with
   * {@code nodeHash}) is what a Node-mode importer ({@code .mjs}, or under {@code "type":
   * "module"}) gets instead, where the interop of the two differs; absent, both get {@code file}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ImportResult(String specifier, String unit, String entry, String file, String hash, String nodeFile,
      String nodeHash, String outDir, String packageRoot, List<String> exports, String format, Boolean cached, Long buildMs,
      Reload reload, ErrorData error) {

    public static ImportResult failed(String specifier, ErrorData error) {
      return new ImportResult(specifier, null, null, null, null, null, null, null, null, null, null, null, null, null, error);
    }

    public boolean succeeded() {
      return error == null;
    }
  }

  public record BundleReply(List<ImportResult> results) {}

  public record PrewarmReply(int units, int built, int cached, List<ImportResult> failed, long ms) {}

  public record ScanParams(String root, String jsx, String jsxImportSource, String mode) {}

  public record ScannedImport(String specifier, List<String> importers) {}

  public record ScanReply(List<ScannedImport> imports, int files, long ms) {}

  public record InvalidateParams(@JsonProperty("package") String packageName, Boolean all) {}

  public record InvalidateReply(int removed) {}

  public record MetricsReply(String text) {}

  public record ShutdownReply(boolean ok) {}
}
