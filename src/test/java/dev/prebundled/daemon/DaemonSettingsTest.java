package dev.prebundled.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prebundled.rpc.RpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The knobs of DESIGN section 7 that are not about failures or resources, each changing what a
 * real daemon does: {@code cacheStrategy.persistent} and {@code cacheKey}, the {@code logger}
 * (file, format, level, periodic metrics line) and {@code server.healthCheck} (checks, interval).
 */
class DaemonSettingsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private static JsonNode bundle(DaemonProcess daemon, Path app, Path dir) {
    try (RpcClient client = daemon.connect()) {
      JsonNode result = client.call("bundle", FixturePackages.bundleParams(app, dir), 120_000).get("results").get(0);
      assertThat(result.has("error")).as("%s", result).isFalse();
      return result;
    }
  }

  @Test
  void aNonPersistentCacheStartsEmptyAndTheCacheKeyTemplateNamesTheUnit() throws Exception {
    Path app = temp.resolve("app");
    Path dir = FixturePackages.write(app, 1).get(0);
    Path cache = temp.resolve("cache");
    Path firstDir;
    try (DaemonProcess daemon = DaemonProcess.start(cache, app)) {
      firstDir = Path.of(bundle(daemon, app, dir).get("outDir").asText());
    }
    // persistent (the default): the next daemon serves it from the cache.
    try (DaemonProcess daemon = DaemonProcess.start(cache, app)) {
      assertThat(bundle(daemon, app, dir).get("cached").asBoolean()).isTrue();
    }
    // A different cacheKey template is a different key: the same package builds into another unit.
    try (DaemonProcess daemon = DaemonProcess.start(cache, app, Map.of("cacheStrategy", Map.of("cacheKey", "{name}@{version}+ci")))) {
      JsonNode result = bundle(daemon, app, dir);
      assertThat(result.get("cached").asBoolean()).isFalse();
      assertThat(Path.of(result.get("outDir").asText())).isNotEqualTo(firstDir);
    }
    assertThat(firstDir).isDirectory();
    // persistent false: the daemon clears the cache when it starts.
    try (DaemonProcess daemon = DaemonProcess.start(cache, app, Map.of("cacheStrategy", Map.of("persistent", false)))) {
      assertThat(firstDir).doesNotExist();
      assertThat(bundle(daemon, app, dir).get("cached").asBoolean()).isFalse();
    }
  }

  @Test
  void theLoggerWritesJsonLinesAtItsLevelWithAPeriodicMetricsLineAndHealthReportsTheConfiguredChecks() throws Exception {
    Path app = temp.resolve("log-app");
    Path dir = FixturePackages.write(app, 1).get(0);
    Path logFile = temp.resolve("logs/prebundled.log");
    Map<String, Object> settings = Map.of(
        "logger", Map.of("format", "json", "level", "debug", "file", Map.of("path", logFile.toString()),
            "metrics", Map.of("enabled", true, "interval", 1000)),
        "server", Map.of("healthCheck", Map.of("checks", List.of("cache_status"), "interval", 1000)));
    try (DaemonProcess daemon = DaemonProcess.start(temp.resolve("log-cache"), app, settings, List.of(), false)) {
      bundle(daemon, app, dir);
      await("two metrics lines").atMost(Duration.ofSeconds(20)).until(() -> metricsLines(logFile) >= 2);
      List<JsonNode> lines = new ArrayList<>();
      for (String line : Files.readAllLines(logFile)) lines.add(JSON.readTree(line)); // every line is JSON
      assertThat(lines).anySatisfy(line -> assertThat(line.path("level").asText()).isEqualTo("DEBUG"));
      try (RpcClient client = daemon.connect()) {
        JsonNode health = client.call("health", Map.of(), 10_000);
        assertThat(health.path("checks").fieldNames()).toIterable().containsExactly("cache_status");
        // healthCheck.interval 1000: the daemon has evaluated its health on its own since it started.
        assertThat(health.path("evaluations").asLong()).isGreaterThanOrEqualTo(1);
      }
    }
    // The defaults: text lines at info, so no debug line, and all three checks.
    Path textLog = temp.resolve("logs/text.log");
    Map<String, Object> defaults = Map.of("logger", Map.of("file", Map.of("path", textLog.toString())));
    try (DaemonProcess daemon = DaemonProcess.start(temp.resolve("text-cache"), app, defaults, List.of(), false)) {
      bundle(daemon, app, dir);
      await("the start line").atMost(Duration.ofSeconds(20)).until(() -> Files.isRegularFile(textLog) && Files.size(textLog) > 0);
      assertThat(Files.readAllLines(textLog)).allSatisfy(line -> assertThat(line).doesNotStartWith("{").doesNotContain(" DEBUG "));
      try (RpcClient client = daemon.connect()) {
        JsonNode health = client.call("health", Map.of(), 10_000);
        assertThat(health.path("checks").fieldNames()).toIterable().containsExactlyInAnyOrder("cache_status", "resource_usage", "pending_operations");
        assertThat(health.path("evaluations").asLong()).as("the default interval is 30 s").isZero();
      }
    }
  }

  private static long metricsLines(Path logFile) throws Exception {
    if (!Files.isRegularFile(logFile)) return 0;
    return Files.readAllLines(logFile).stream().filter(line -> line.contains("metrics: cache hit")).count();
  }
}
