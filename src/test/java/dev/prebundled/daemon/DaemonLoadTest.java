package dev.prebundled.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prebundled.daemon.Messages.ImportSpec;
import dev.prebundled.rpc.RpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coalescing and the single writer under load: many clients ask for the same units at the same
 * moment on a cold cache, and every unit is still built exactly once, with every client given the
 * same files and no client an error.
 */
class DaemonLoadTest {
  private static final int CLIENTS = 32;

  @TempDir Path temp;

  @Test
  void thirtyTwoClientsAskingForEverythingAtOnceGetOneBuildPerUnit() throws Exception {
    Path app = ReferenceApp.root();
    Path cacheDir = temp.resolve("cache");
    try (DaemonProcess daemon = DaemonProcess.start(cacheDir, app)) {
      List<ImportSpec> imports;
      try (RpcClient client = daemon.connect()) {
        imports = ReferenceApp.importsOf(app, ReferenceApp.scan(client, app));
      }
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      CountDownLatch ready = new CountDownLatch(CLIENTS);
      List<CompletableFuture<Map<String, String>>> answers = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        answers.add(CompletableFuture.supplyAsync(() -> {
          try (RpcClient client = daemon.connect()) {
            ready.countDown();
            ready.await();
            JsonNode reply = client.call("bundle", ReferenceApp.bundleParams(app, imports), 300_000);
            Map<String, String> files = new TreeMap<>();
            for (JsonNode result : reply.get("results")) {
              assertThat(result.has("error")).as("%s", result).isFalse();
              files.put(result.get("specifier").asText(), result.get("file").asText());
            }
            return files;
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      List<Map<String, String>> files = answers.stream().map(CompletableFuture::join).toList();
      pool.shutdown();
      daemon.awaitIdle();

      assertThat(files).allSatisfy(f -> assertThat(f).isEqualTo(files.get(0)));
      assertThat(files.get(0)).hasSize(imports.size()).allSatisfy((specifier, file) -> assertThat(Path.of(file)).isRegularFile());
      List<Path> units;
      try (Stream<Path> walk = Files.walk(cacheDir.resolve("v1"))) {
        units = walk.filter(p -> p.getFileName().toString().equals("manifest.json")).toList();
      }
      JsonNode stats = daemon.stats();
      assertThat(stats.get("unitBuilds").asInt()).as("builds for %d units, %d clients", units.size(), CLIENTS).isEqualTo(units.size());
      assertThat(stats.path("metrics").path("resolutionSuccessRatio").asDouble()).isEqualTo(1.0);
    }
  }
}
