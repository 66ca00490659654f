package dev.prebundled.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prebundled.daemon.Messages;
import dev.prebundled.resolve.PackageRoot;
import dev.prebundled.rpc.RpcClient;
import dev.prebundled.rpc.RpcException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code prebundled bundle --via-daemon}: asks the running daemon of a cache directory for a
 * package's entries, the same request the Vite plugin sends, and prints what it answered (file,
 * exports, cache hit, build time). With {@code --out} the unit's files are copied there.
 */
final class DaemonBundle {
  private final RpcClient client;
  private final PrintWriter out;

  DaemonBundle(RpcClient client, PrintWriter out) {
    this.client = client;
    this.out = out;
  }

  /** The project a package belongs to: the folder holding the nearest {@code node_modules} above it, else the package itself. */
  static Path projectOf(Path packageDir) {
    for (Path dir = packageDir; dir != null; dir = dir.getParent()) {
      if (dir.getFileName() != null && dir.getFileName().toString().equals("node_modules")) return dir.getParent();
    }
    return packageDir;
  }

  /** Returns whether every entry was answered without error. */
  boolean bundle(PackageRoot root, List<String> subpaths, String mode, Path copyTo) throws IOException {
    client.call("hello", Map.of("protocol", Messages.PROTOCOL, "client", "prebundled-cli"), 30_000);
    List<Map<String, String>> imports = new ArrayList<>();
    for (String subpath : subpaths) {
      String specifier = subpath.equals(".") ? root.name() : root.name() + subpath.substring(1);
      imports.add(Map.of("specifier", specifier, "packageRoot", root.dir().toString(), "name", root.name(),
          "version", root.version(), "entry", subpath));
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("project", projectOf(root.dir()).toString());
    params.put("mode", mode);
    params.put("imports", imports);
    JsonNode reply = client.call("bundle", params, 600_000);
    boolean ok = true;
    String outDir = null;
    for (JsonNode result : reply.get("results")) {
      if (result.has("error")) {
        ok = false;
        JsonNode error = result.get("error");
        out.printf("  %s: error [%s] %s%n", result.get("specifier").asText(), error.path("code").asText(), error.path("message").asText());
        continue;
      }
      outDir = result.get("outDir").asText();
      out.printf("  %s -> %s  (%s, %d exports, %s)%n", result.get("entry").asText(), result.get("file").asText(),
          result.get("format").asText(), result.get("exports").size(),
          result.get("cached").asBoolean() ? "from cache" : "built in " + result.get("buildMs").asLong() + " ms");
    }
    if (ok && copyTo != null && outDir != null) {
      copyUnit(Path.of(outDir), copyTo);
      out.println("  copied to " + copyTo);
    }
    return ok;
  }

  private static void copyUnit(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".js")).toList()) {
        Path temp = Files.createTempFile(to, ".prebundled-", ".tmp");
        Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  static String describe(RpcException e) {
    return "error [" + e.data().code() + "] " + e.getMessage();
  }
}
