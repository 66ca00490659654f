package dev.prebundled.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prebundled.daemon.Messages.ImportSpec;
import dev.prebundled.rpc.RpcClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety with real {@code kill -9}s: in each round the daemon rebuilds part of the reference
 * app and is killed at a random moment, most often in the middle of commits. After every restart
 * each committed unit on disk matches its manifest, every unit committed before the kill is still
 * there, and every file served matches the hash the daemon gives for it.
 */
class DaemonCrashTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROUNDS = 20;

  @TempDir Path temp;

  /** The unit directories with a manifest (committed), each checked against its manifest's hashes. */
  private static Set<Path> committedAndVerified(Path cacheDir) throws IOException {
    Set<Path> units = new TreeSet<>();
    if (!Files.isDirectory(cacheDir.resolve("v1"))) return units;
    try (Stream<Path> walk = Files.walk(cacheDir.resolve("v1"))) {
      for (Path manifest : walk.filter(p -> p.getFileName().toString().equals("manifest.json")).toList()) {
        if (manifest.toString().contains("/.tmp/") || manifest.toString().contains("/.trash/")) continue;
        JsonNode json = JSON.readTree(manifest.toFile());
        for (JsonNode file : json.get("files")) {
          Path content = manifest.resolveSibling(file.get("name").asText());
          assertThat(content).as("a file of committed unit %s", manifest.getParent()).isRegularFile();
          assertThat(DaemonCacheTest.sha256(Files.readAllBytes(content))).as("%s matches its manifest", content)
              .isEqualTo(file.get("sha256").asText());
        }
        units.add(manifest.getParent());
      }
    }
    return units;
  }

  private static Set<Path> committed(Path cacheDir) throws IOException {
    Set<Path> units = new HashSet<>();
    if (!Files.isDirectory(cacheDir.resolve("v1"))) return units;
    try (Stream<Path> walk = Files.walk(cacheDir.resolve("v1"))) {
      walk.filter(p -> p.getFileName().toString().equals("manifest.json") && !p.toString().contains("/.tmp/")
          && !p.toString().contains("/.trash/")).forEach(p -> units.add(p.getParent()));
    }
    return units;
  }

  @Test
  void killNineDuringCommitsNeverLeavesAPartialOrCorruptEntryServed() throws Exception {
    Path app = ReferenceApp.root();
    Path cacheDir = temp.resolve("cache");
    long seed = Long.getLong("prebundled.crashSeed", 20261203L);
    Random random = new Random(seed);
    List<ImportSpec> imports;
    try (DaemonProcess daemon = DaemonProcess.start(cacheDir, app); RpcClient client = daemon.connect()) {
      imports = ReferenceApp.importsOf(app, ReferenceApp.scan(client, app));
      daemon.kill9();
    }
    List<String> packages = imports.stream().map(ImportSpec::name).distinct().toList();
    int killedWhileBuilding = 0;

    for (int round = 0; round < ROUNDS; round++) {
      Set<Path> before = committed(cacheDir);
      try (DaemonProcess daemon = DaemonProcess.start(cacheDir, app)) {
        Set<Path> after = committedAndVerified(cacheDir);
        assertThat(after).as("round %d (seed %d): units committed before the kill", round, seed).containsAll(before);

        try (RpcClient client = daemon.connect()) {
          // Every file served now matches its hash: nothing partial got past the restart.
          JsonNode reply = client.call("bundle", ReferenceApp.bundleParams(app, imports), 300_000);
          for (JsonNode result : reply.get("results")) {
            assertThat(result.has("error")).as("round %d: %s", round, result).isFalse();
            byte[] bytes = Files.readAllBytes(Path.of(result.get("file").asText()));
            assertThat(DaemonCacheTest.sha256(bytes)).startsWith(result.get("hash").asText());
          }
          // Make work: drop a random third of the packages, then rebuild them and kill mid-way.
          List<String> shuffled = new ArrayList<>(packages);
          java.util.Collections.shuffle(shuffled, random);
          for (String name : shuffled.subList(0, Math.max(1, shuffled.size() / 3))) {
            client.call("invalidate", Map.of("package", name), 30_000);
          }
          client.send("bundle", ReferenceApp.bundleParams(app, imports));
          Thread.sleep(random.nextInt(300));
          if (daemon.stats().get("queueRunning").asInt() > 0) killedWhileBuilding++;
        }
        daemon.kill9();
      }
    }
    assertThat(killedWhileBuilding).as("kills that hit running builds (seed %d)", seed).isGreaterThanOrEqualTo(ROUNDS / 4);
    try (DaemonProcess daemon = DaemonProcess.start(cacheDir, app)) {
      assertThat(committedAndVerified(cacheDir)).isNotEmpty();
      try (Stream<Path> tmp = Files.list(cacheDir.resolve("v1/.tmp"))) {
        assertThat(tmp).as("temp dirs of killed commits are swept at start").isEmpty();
      }
    }
  }
}
