package dev.prebundled.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prebundled.daemon.Messages.ImportSpec;
import dev.prebundled.rpc.RpcClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's cache across restarts, against the real reference app: a cold start builds each
 * unit once with its closure complete before anything is served, a warm restart builds nothing
 * and hands out the same files, and damage on disk (a corrupted file, a temp dir left by a crash)
 * is found and repaired, never served.
 */
class DaemonCacheTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  /** What one client saw for every import: file, content hash, cached or not. */
  private record Served(Map<String, String> files, Map<String, String> hashes, Map<String, Boolean> cached) {}

  private static Served bundleAll(DaemonProcess daemon, Path app, List<ImportSpec> imports) {
    try (RpcClient client = daemon.connect()) {
      JsonNode reply = client.call("bundle", ReferenceApp.bundleParams(app, imports), 300_000);
      Map<String, String> files = new TreeMap<>();
      Map<String, String> hashes = new TreeMap<>();
      Map<String, Boolean> cached = new TreeMap<>();
      for (JsonNode result : reply.get("results")) {
        String specifier = result.get("specifier").asText();
        assertThat(result.has("error")).as("%s: %s", specifier, result.path("error")).isFalse();
        assertThat(result.has("reload")).as("no reload for %s", specifier).isFalse();
        files.put(specifier, result.get("file").asText());
        hashes.put(specifier, result.get("hash").asText());
        cached.put(specifier, result.get("cached").asBoolean());
      }
      return new Served(files, hashes, cached);
    }
  }

  /** Every file of every committed unit, by path, with its bytes' sha256. */
  private static Map<String, String> cacheContents(Path cacheDir) throws IOException {
    Map<String, String> contents = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(cacheDir.resolve("v1"))) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        if (file.toString().contains("/.tmp/") || file.toString().contains("/.trash/")) continue;
        contents.put(cacheDir.relativize(file).toString(), sha256(Files.readAllBytes(file)));
      }
    }
    return contents;
  }

  private static List<Path> unitDirs(Path cacheDir) throws IOException {
    try (Stream<Path> walk = Files.walk(cacheDir.resolve("v1"))) {
      return walk.filter(p -> p.getFileName().toString().equals("manifest.json")).map(Path::getParent).sorted().toList();
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode manifestOf(Path unitDir) throws IOException {
    return JSON.readTree(unitDir.resolve("manifest.json").toFile());
  }

  @Test
  void aWarmRestartBuildsNothingAndServesTheSameBytesAtTheSameUrls() throws Exception {
    Path app = ReferenceApp.root();
    Path cacheDir = temp.resolve("cache");
    Served cold;
    List<ImportSpec> imports;
    int coldUnits;
    try (DaemonProcess daemon = DaemonProcess.start(cacheDir, app)) {
      try (RpcClient client = daemon.connect()) {
        imports = ReferenceApp.importsOf(app, ReferenceApp.scan(client, app));
      }
      assertThat(imports).extracting(ImportSpec::specifier).contains("react", "react-dom/client", "@mui/material/Button", "lodash-es");
      cold = bundleAll(daemon, app, imports);
      daemon.awaitIdle();
      JsonNode stats = daemon.stats();
      coldUnits = unitDirs(cacheDir).size();
      // Each unit is built once: as many builds as committed units, one directory per name@version.
      assertThat(stats.get("unitBuilds").asInt()).as(daemon.log()).isEqualTo(coldUnits);
      assertThat(unitDirs(cacheDir)).extracting(p -> p.getParent().toString()).doesNotHaveDuplicates();
      assertThat(daemon.shutdown()).isZero();
    }
    Map<String, String> bytesBefore = cacheContents(cacheDir);

    try (DaemonProcess daemon = DaemonProcess.start(cacheDir, app)) {
      Served warm = bundleAll(daemon, app, imports);
      JsonNode stats = daemon.stats();
      assertThat(warm.cached()).as("100% cache hits").allSatisfy((specifier, hit) -> assertThat(hit).as(specifier).isTrue());
      assertThat(stats.get("unitBuilds").asInt()).as("unit builds after a warm restart").isZero();
      assertThat(stats.get("analysisBuilds").asInt()).as("closure analyses after a warm restart").isZero();
      assertThat(stats.get("esbuildStarts").asInt()).as("esbuild children started").isLessThanOrEqualTo(1);
      assertThat(warm.files()).isEqualTo(cold.files());
      assertThat(warm.hashes()).isEqualTo(cold.hashes());
      assertThat(unitDirs(cacheDir)).hasSize(coldUnits);
    }
    assertThat(cacheContents(cacheDir)).as("byte-identical cache").isEqualTo(bytesBefore);
  }

  @Test
  void unitsAreFinalBeforeTheirFirstFileIsServed() throws Exception {
    Path app = ReferenceApp.root();
    Path cacheDir = temp.resolve("cache");
    try (DaemonProcess daemon = DaemonProcess.start(cacheDir, app)) {
      List<ImportSpec> imports;
      try (RpcClient client = daemon.connect()) {
        imports = ReferenceApp.importsOf(app, ReferenceApp.scan(client, app));
      }
      Served served = bundleAll(daemon, app, imports);

      // react was asked for "." and "./jsx-dev-runtime" only; MUI and Emotion import ./jsx-runtime.
      Path react = Path.of(served.files().get("react")).getParent();
      assertThat(manifestOf(react).get("entries").fieldNames()).toIterable().contains(".", "./jsx-runtime", "./jsx-dev-runtime");
      // the app imports react-dom/client only; client's output imports react-dom itself.
      Path reactDom = Path.of(served.files().get("react-dom/client")).getParent();
      assertThat(manifestOf(reactDom).get("entries").fieldNames()).toIterable().contains(".", "./client");

      // What the built files import next is served from the same builds or built once, with the
      // entries the closure planned: nothing is rebuilt, no unit gets a second directory.
      List<ImportSpec> closure = ReferenceApp.importsOf(app, List.of("react/jsx-runtime", "react-dom", "@emotion/cache", "@mui/system"));
      Served second = bundleAll(daemon, app, closure);
      assertThat(second.cached().get("react/jsx-runtime")).isTrue();
      assertThat(second.cached().get("react-dom")).isTrue();
      assertThat(Path.of(second.files().get("react/jsx-runtime")).getParent()).isEqualTo(react);
      assertThat(Path.of(second.files().get("react-dom")).getParent()).isEqualTo(reactDom);
      daemon.awaitIdle();
      List<Path> units = unitDirs(cacheDir);
      assertThat(units).extracting(p -> p.getParent().toString()).as("one build directory per name@version").doesNotHaveDuplicates();
      assertThat(daemon.stats().get("unitBuilds").asInt()).as("each unit built once").isEqualTo(units.size());
    }
  }

  @Test
  void aCorruptedFileIsRebuiltNotServedAndACrashTempDirIsSwept() throws Exception {
    Path app = ReferenceApp.root();
    Path cacheDir = temp.resolve("cache");
    List<ImportSpec> imports = ReferenceApp.importsOf(app, List.of("react", "zustand"));
    Served first;
    try (DaemonProcess daemon = DaemonProcess.start(cacheDir, app)) {
      first = bundleAll(daemon, app, imports);
      daemon.awaitIdle();
      daemon.shutdown();
    }
    Path reactFile = Path.of(first.files().get("react"));
    byte[] good = Files.readAllBytes(reactFile);
    Files.writeString(reactFile, "export default 'corrupted';\n"); // a torn or tampered write
    Path leftover = cacheDir.resolve("v1/.tmp/3b8c-crashed-commit");
    Files.createDirectories(leftover);
    Files.writeString(leftover.resolve("index-HALF.js"), "export const half =");

    try (DaemonProcess daemon = DaemonProcess.start(cacheDir, app)) {
      assertThat(leftover).doesNotExist();
      Served second = bundleAll(daemon, app, imports);
      assertThat(second.cached().get("react")).as("react rebuilt").isFalse();
      assertThat(second.cached().get("zustand")).isTrue();
      Path served = Path.of(second.files().get("react"));
      assertThat(Files.readAllBytes(served)).isEqualTo(good);
      assertThat(sha256(Files.readAllBytes(served))).startsWith(second.hashes().get("react"));
      JsonNode stats = daemon.stats();
      assertThat(stats.get("unitBuilds").asInt()).isEqualTo(1);
      assertThat(stats.toString()).contains("\"corruptions\":1");
    }
  }

  @Test
  void theSocketAndItsDirectoryAreOwnerOnly() throws Exception {
    Path cacheDir = temp.resolve("cache");
    try (DaemonProcess daemon = DaemonProcess.start(cacheDir, ReferenceApp.root())) {
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket()))).isEqualTo("rw-------");
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket().getParent()))).isEqualTo("rwx------");
    }
  }
}
