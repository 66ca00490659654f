package dev.prebundled.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prebundled.daemon.Messages.ImportSpec;
import dev.prebundled.queue.Faults;
import dev.prebundled.rpc.RpcClient;
import dev.prebundled.rpc.RpcException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures and limits of a real daemon over its real socket: the esbuild child killed with SIGKILL
 * in the middle of builds, and a burst of requests larger than the queue. Both need the
 * test-only {@link Faults} hook, switched on with {@code -Dprebundled.faults} for that daemon alone.
 */
class DaemonResilienceTest {
  @TempDir Path temp;

  /**
   * {@code count} small CommonJS packages {@code pkg-<i>} under {@code root/node_modules}. CommonJS,
   * as most of npm: its entry goes through the bundler's facade, whose load is a plugin callback.
   */
  private static List<Path> packages(Path root, int count) throws IOException {
    return FixturePackages.write(root, count);
  }

  private static Map<String, Object> bundleParams(Path project, Path packageDir) {
    return FixturePackages.bundleParams(project, packageDir);
  }

  private static List<String> environment(long pid) throws IOException {
    return List.of(new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"))).split("\0"));
  }

  private static double prometheus(DaemonProcess daemon, String metric) {
    try (RpcClient client = daemon.connect()) {
      String text = client.call("metrics", Map.of(), 30_000).get("text").asText();
      Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
      return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
  }

  @Test
  void esbuildKilledInTheMiddleOfTwentyBuildsInARowEveryBuildStillSucceeds() throws Exception {
    Path app = temp.resolve("app");
    List<Path> packages = packages(app, 20);
    Map<String, Object> settings = Map.of("retryStrategy", Map.of("baseDelay", 10, "maxDelay", 100),
        "optimizeDeps", Map.of("cpuLimit", 0.5, "memoryLimit", 256));
    String gomaxprocs = "GOMAXPROCS=" + Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    // kill:1 = SIGKILL the real esbuild child at the first plugin callback of every build's first
    // attempt; builds run one after another, so that callback is always the unit build's own.
    try (DaemonProcess daemon = DaemonProcess.start(temp.resolve("cache"), app, settings, List.of("-D" + Faults.PROPERTY + "=kill:1"));
        RpcClient client = daemon.connect()) {
      List<Long> pids = new ArrayList<>();
      for (Path dir : packages) {
        long pid = daemon.stats().get("esbuildPid").asLong();
        pids.add(pid);
        // Every child, the first and each restarted one, runs with the limits cpuLimit and memoryLimit set.
        assertThat(environment(pid)).contains(gomaxprocs, "GOMEMLIMIT=256MiB");
        JsonNode result = client.call("bundle", bundleParams(app, dir), 120_000).get("results").get(0);
        assertThat(result.has("error")).as("%s\n%s", result, daemon.log()).isFalse();
        assertThat(Path.of(result.get("file").asText())).isRegularFile();
        assertThat(result.get("exports")).extracting(JsonNode::asText).contains("name", "id");
      }
      JsonNode stats = daemon.stats();
      assertThat(stats.path("faults").path("kills").asLong()).isEqualTo(20);
      assertThat(stats.get("esbuildStarts").asLong()).as("a fresh child after each kill").isEqualTo(21);
      assertThat(pids).doesNotHaveDuplicates();
      for (long pid : pids) assertThat(ProcessHandle.of(pid)).as("killed child %d is gone", pid).isEmpty();
      assertThat(prometheus(daemon, "prebundled_builds_recovered_total")).isEqualTo(20.0);
      assertThat(prometheus(daemon, "prebundled_builds_failed_total")).isEqualTo(0.0);
      assertThat(stats.path("metrics").path("errorRecoveryRatio").asDouble()).isEqualTo(1.0);
      System.out.printf("20 builds, %d SIGKILLs of esbuild, %d children started, recovered %s%n",
          stats.path("faults").path("kills").asLong(), stats.get("esbuildStarts").asLong(),
          prometheus(daemon, "prebundled_builds_recovered_total"));
    }
  }

  @Test
  void twoHundredDistinctRequestsOnAQueueOfOneHundredTheExcessGetsQueueFullAtOnce() throws Exception {
    int requests = 200;
    int queueSize = 100;
    int heapMb = 256;
    List<Path> packages = packages(temp, requests);
    Path release = temp.resolve("release-builds");
    Map<String, Object> settings = Map.of(
        "server", Map.of(
            "processLimits", Map.of("queueSize", queueSize, "maxConcurrent", 512),
            "resourceManagement", Map.of("maxOldSpaceSize", heapMb, "maxSemiSpaceSize", 32)));
    // stall:1:<file> = every build's first attempt waits until the test creates the file, so the
    // queue really is full while the burst arrives, however fast or slow this machine is.
    try (DaemonProcess daemon = DaemonProcess.start(temp.resolve("cache"), temp, settings,
        List.of("-D" + Faults.PROPERTY + "=stall:1:" + release))) {
      List<RpcClient> clients = new ArrayList<>();
      List<CompletableFuture<JsonNode>> replies = new ArrayList<>();
      List<Long> rejectedAfterMs = new ArrayList<>();
      AtomicLong peakHeap = new AtomicLong();
      try {
        for (int i = 0; i < requests; i++) clients.add(daemon.connect());
        long sent = System.nanoTime();
        for (int i = 0; i < requests; i++) {
          // One project per request, so no request waits on another's planning.
          Path project = Files.createDirectories(temp.resolve("apps/app-" + i));
          replies.add(clients.get(i).send("bundle", bundleParams(project, packages.get(i))).thenApply(reply -> {
            JsonNode result = reply.get("results").get(0);
            if (result.has("error")) {
              synchronized (rejectedAfterMs) {
                rejectedAfterMs.add((System.nanoTime() - sent) / 1_000_000);
              }
            }
            return result;
          }));
        }
        // Until every request is either answered QUEUE_FULL or accepted (waiting or building).
        await("every request rejected or accepted").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
          JsonNode stats = daemon.stats();
          peakHeap.accumulateAndGet(stats.path("metrics").path("heapUsedBytes").asLong(), Math::max);
          long rejected = replies.stream().filter(r -> r.isDone() && r.join().has("error")).count();
          return rejected + stats.get("queueWaiting").asInt() + stats.get("queueRunning").asInt() == requests;
        });
        JsonNode full = daemon.stats();
        int running = full.get("queueRunning").asInt();
        assertThat(full.get("queueWaiting").asInt()).isEqualTo(queueSize);
        List<JsonNode> rejected = replies.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join)
            .filter(r -> r.has("error")).toList();
        assertThat(rejected).hasSize(requests - queueSize - running).allSatisfy(r -> {
          assertThat(r.path("error").path("code").asText()).isEqualTo("QUEUE_FULL");
          assertThat(r.path("error").path("class").asText()).isEqualTo("transient");
          assertThat(r.path("error").path("message").asText()).contains("server.processLimits.queueSize");
        });
        // "At once": every QUEUE_FULL came back while the accepted builds were still held.
        assertThat(replies.stream().filter(r -> r.isDone() && !r.join().has("error")).count()).isZero();

        Files.createFile(release);
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
        List<JsonNode> accepted = replies.stream().map(CompletableFuture::join).filter(r -> !r.has("error")).toList();
        assertThat(accepted).hasSize(queueSize + running)
            .allSatisfy(r -> assertThat(Path.of(r.get("file").asText())).isRegularFile());
        daemon.awaitIdle();
        JsonNode after = daemon.stats();
        long heapMax = after.path("metrics").path("heapMaxBytes").asLong();
        long heapPeak = after.get("heapPeakBytes").asLong();
        peakHeap.accumulateAndGet(after.path("metrics").path("heapUsedBytes").asLong(), Math::max);
        assertThat(heapMax).as("-Xmx from maxOldSpaceSize").isLessThanOrEqualTo((long) heapMb << 20);
        assertThat(heapPeak).as("peak heap (sum of the heap pools' peaks)").isLessThan((long) heapMb << 20);
        assertThat(after.get("attemptsInFlight").asInt()).isZero();
        assertThat(daemon.isAlive()).isTrue();
        System.out.printf("%d requests, queueSize %d: %d QUEUE_FULL (all within %d ms of sending), %d accepted and built;"
                + " heap bound %d MB, JVM max %d MB, peak used %d MB (pools' peaks), highest sampled %d MB%n",
            requests, queueSize, rejected.size(), rejectedAfterMs.stream().mapToLong(Long::longValue).max().orElse(0),
            accepted.size(), heapMb, heapMax >> 20, heapPeak >> 20, peakHeap.get() >> 20);
      } finally {
        clients.forEach(RpcClient::close);
      }
    }
  }

  @Test
  void theBackgroundSweepDropsUnitsOfChangedPackagesAndCorruptUnitsWithoutARequest() throws Exception {
    Path app = temp.resolve("app");
    List<Path> packages = packages(app, 2);
    Map<String, Object> settings = Map.of("cacheInvalidation", Map.of("checkInterval", 1000, "maxRetries", 1, "retryDelay", 100));
    try (DaemonProcess daemon = DaemonProcess.start(temp.resolve("cache"), app, settings); RpcClient client = daemon.connect()) {
      List<Path> unitDirs = new ArrayList<>();
      for (Path dir : packages) {
        JsonNode result = client.call("bundle", bundleParams(app, dir), 120_000).get("results").get(0);
        assertThat(result.has("error")).as("%s", result).isFalse();
        unitDirs.add(Path.of(result.get("outDir").asText()));
      }
      // A patch of pkg-0 (a new file changes its fingerprint) and a damaged output file of pkg-1.
      Files.writeString(packages.get(0).resolve("patched.js"), "exports.patched = true;\n");
      Path damaged;
      try (var files = Files.list(unitDirs.get(1))) {
        damaged = files.filter(f -> f.toString().endsWith(".js")).findFirst().orElseThrow();
      }
      Files.writeString(damaged, "/* tampered */", java.nio.file.StandardOpenOption.APPEND);

      await("sweep dropped both").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
        assertThat(unitDirs.get(0)).doesNotExist();
        assertThat(unitDirs.get(1)).doesNotExist();
      });
      JsonNode stats = daemon.stats();
      assertThat(stats.get("sweeps").asLong()).isPositive();
      assertThat(stats.get("sweepStaleDropped").asLong()).isEqualTo(1);
      assertThat(stats.get("corruptions").asLong()).isEqualTo(1);
      // The next request builds both afresh, from what is installed now.
      for (Path dir : packages) {
        JsonNode result = client.call("bundle", bundleParams(app, dir), 120_000).get("results").get(0);
        assertThat(result.get("cached").asBoolean()).as("%s", result).isFalse();
      }
    }
  }

  @Test
  void aChangeInAWatchedPackageRunsTheSweepAtOnceWhilePackagesBeyondMaxWatchesWaitForTheInterval() throws Exception {
    Path app = temp.resolve("watch-app");
    List<Path> packages = packages(app, 2); // one directory each: maxWatches 1 covers pkg-0 only
    Map<String, Object> settings = Map.of(
        "cacheInvalidation", Map.of("checkInterval", 3_600_000),
        "server", Map.of("resourceManagement", Map.of("maxWatches", 1)));
    try (DaemonProcess daemon = DaemonProcess.start(temp.resolve("watch-cache"), app, settings); RpcClient client = daemon.connect()) {
      List<Path> unitDirs = new ArrayList<>();
      for (Path dir : packages) {
        JsonNode result = client.call("bundle", bundleParams(app, dir), 120_000).get("results").get(0);
        assertThat(result.has("error")).as("%s", result).isFalse();
        unitDirs.add(Path.of(result.get("outDir").asText()));
        await("watches synced").atMost(Duration.ofSeconds(10)).until(() -> daemon.stats().get("watches").asInt() == 1);
      }
      Thread.sleep(2500); // a watch sync after pkg-1 was served: still at the bound
      assertThat(daemon.stats().get("watches").asInt()).isEqualTo(1);

      // pkg-1 is beyond the bound: its patch waits for the hourly sweep.
      Files.writeString(packages.get(1).resolve("patched.js"), "exports.patched = true;\n");
      Thread.sleep(2000);
      assertThat(unitDirs.get(1)).exists();
      assertThat(daemon.stats().get("sweeps").asLong()).isZero();

      // pkg-0 is watched: its patch runs the sweep now, which drops both stale units.
      Files.writeString(packages.get(0).resolve("patched.js"), "exports.patched = true;\n");
      await("the watch ran the sweep").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
        assertThat(unitDirs.get(0)).doesNotExist();
        assertThat(unitDirs.get(1)).doesNotExist();
      });
      assertThat(daemon.stats().get("sweepStaleDropped").asLong()).isEqualTo(2);
    }
  }

  @Test
  void requestsBeyondProcessLimitsMaxConcurrentWaitThenGetEbusyWhileOneIsInService() throws Exception {
    Path app = temp.resolve("bulkhead-app");
    Path dir = packages(app, 1).get(0);
    // One request in service at a time; it may wait 2 s for its turn (the time limit doubles as
    // the bulkhead's wait). The first build attempt stalls (test-only fault) until the 2 s time
    // limit, and its retry waits 3 s more: the bundle request is in service for over 5 s.
    Map<String, Object> settings = Map.of(
        "server", Map.of("processLimits", Map.of("maxConcurrent", 1, "timeout", 2000)),
        "retryStrategy", Map.of("baseDelay", 3000, "maxDelay", 3000, "jitter", false));
    try (DaemonProcess daemon = DaemonProcess.start(temp.resolve("bulkhead-cache"), app, settings, List.of("-D" + Faults.PROPERTY + "=stall:1"));
        RpcClient first = daemon.connect(); RpcClient second = daemon.connect()) {
      java.util.concurrent.CompletableFuture<JsonNode> bundle =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> first.call("bundle", bundleParams(app, dir), 60_000));
      Thread.sleep(500); // the bundle request holds the one slot from the moment it arrives
      long asked = System.nanoTime();
      assertThatThrownBy(() -> second.call("health", Map.of(), 30_000))
          .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.data().code()).isEqualTo("EBUSY"));
      long waitedMs = Duration.ofNanos(System.nanoTime() - asked).toMillis();
      System.out.printf("with one request in service, a second waited %d ms for its turn, then got EBUSY%n", waitedMs);
      assertThat(waitedMs).as("it waited for a turn before giving up").isGreaterThanOrEqualTo(1500);
      JsonNode result = bundle.get(60, java.util.concurrent.TimeUnit.SECONDS).get("results").get(0);
      assertThat(result.has("error")).as("%s", result).isFalse();
      assertThat(second.call("health", Map.of(), 30_000).path("status").asText()).isEqualTo("healthy");
    }
  }

  @Test
  void staleEntriesAreServedWhileABackgroundRebuildRunsAndExpiredOnesAreRebuiltFirst() throws Exception {
    Path app = temp.resolve("fresh-app");
    List<Path> packages = packages(app, 1);
    Map<String, Object> staleWhileRevalidate = Map.of("cacheStrategy", Map.of("maxAge", 1000, "staleWhileRevalidate", 600_000));
    try (DaemonProcess daemon = DaemonProcess.start(temp.resolve("swr-cache"), app, staleWhileRevalidate); RpcClient client = daemon.connect()) {
      assertThat(client.call("bundle", bundleParams(app, packages.get(0)), 120_000).get("results").get(0).get("cached").asBoolean()).isFalse();
      Thread.sleep(1200); // older than maxAge, within staleWhileRevalidate
      // A new session (another dev server, or a restart): a session keeps what it was handed.
      JsonNode stale;
      try (RpcClient other = daemon.connect()) {
        stale = other.call("bundle", bundleParams(app, packages.get(0)), 120_000).get("results").get(0);
      }
      assertThat(stale.get("cached").asBoolean()).as("a stale entry is served at once").isTrue();
      await("the background rebuild").atMost(Duration.ofSeconds(30)).until(() -> daemon.stats().get("unitBuilds").asInt() == 2);
    }
    Map<String, Object> noGrace = Map.of("cacheStrategy", Map.of("maxAge", 1000, "staleWhileRevalidate", 0));
    try (DaemonProcess daemon = DaemonProcess.start(temp.resolve("expiry-cache"), app, noGrace); RpcClient client = daemon.connect()) {
      client.call("bundle", bundleParams(app, packages.get(0)), 120_000);
      Thread.sleep(1200); // past maxAge with no grace: expired
      JsonNode expired;
      try (RpcClient other = daemon.connect()) {
        expired = other.call("bundle", bundleParams(app, packages.get(0)), 120_000).get("results").get(0);
      }
      assertThat(expired.get("cached").asBoolean()).as("an expired entry is rebuilt before it is served").isFalse();
      assertThat(daemon.stats().get("unitBuilds").asInt()).isEqualTo(2);
    }
  }

  @Test
  void sequentialBuildsOneUnitAtATimeAndMaxConcurrentBoundsHowManyBuildAtOnce() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors(); // workers are also bounded by cpuLimit's cores
    Map<Map<String, Object>, Integer> cases = new LinkedHashMap<>();
    cases.put(Map.of("sequential", true, "maxConcurrent", 4), 1);
    cases.put(Map.of("maxConcurrent", 2), Math.min(2, cores));
    int round = 0;
    for (Map.Entry<Map<String, Object>, Integer> c : cases.entrySet()) {
      Path app = temp.resolve("concurrency-app-" + round);
      List<Path> packages = packages(app, 3);
      Path release = temp.resolve("release-" + round);
      // Every first attempt stalls (test-only fault) until the release file exists: the attempts
      // stalled at once are the builds running at once.
      String fault = "-D" + Faults.PROPERTY + "=stall:1:" + release;
      try (DaemonProcess daemon = DaemonProcess.start(temp.resolve("concurrency-cache-" + round++), app,
          Map.of("optimizeDeps", c.getKey()), List.of(fault))) {
        List<CompletableFuture<JsonNode>> replies = new ArrayList<>();
        for (Path dir : packages) {
          replies.add(CompletableFuture.supplyAsync(() -> {
            try (RpcClient client = daemon.connect()) {
              return client.call("bundle", bundleParams(app, dir), 120_000).get("results").get(0);
            }
          }));
        }
        await("builds started").atMost(Duration.ofSeconds(30)).until(() -> stalledNow(daemon) == c.getValue());
        Thread.sleep(1000); // time for a third build to start, if the bound let it
        assertThat(stalledNow(daemon)).as("builds running at once with %s", c.getKey()).isEqualTo(c.getValue());
        Files.writeString(release, "go");
        for (CompletableFuture<JsonNode> reply : replies) {
          JsonNode result = reply.get(120, TimeUnit.SECONDS);
          assertThat(result.has("error")).as("%s", result).isFalse();
        }
      }
    }
  }

  private static int stalledNow(DaemonProcess daemon) {
    return daemon.stats().path("faults").path("stalledNow").asInt();
  }
}
