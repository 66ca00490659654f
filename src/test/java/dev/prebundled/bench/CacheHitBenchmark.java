package dev.prebundled.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prebundled.daemon.DaemonFiles;
import dev.prebundled.daemon.Messages;
import dev.prebundled.daemon.Messages.ImportSpec;
import dev.prebundled.resolve.BareSpecifier;
import dev.prebundled.resolve.ModuleResolver;
import dev.prebundled.resolve.NodeBuiltins;
import dev.prebundled.resolve.PackageJsonReader;
import dev.prebundled.resolve.PackageRoot;
import dev.prebundled.resolve.ResolutionOptions;
import dev.prebundled.rpc.RpcClient;
import dev.prebundled.testing.TestPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Benchmark (not a test): latency and throughput of {@code bundle} calls that are pure cache hits,
 * through the real socket of a real daemon process on the reference app. The daemon is warmed by
 * bundling every import its own scan finds once; then one client makes N sequential calls (one
 * import each, cycling through the app's imports), then 8 clients on their own connections make a
 * fixed count each at the same time, and one client asks for the whole app as one batch. Three
 * rounds. Run with {@code scripts/bench cache-hits [N] [per-client]}; prints a Markdown section.
 */
public final class CacheHitBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROUNDS = 3;
  private static final int CLIENTS = 8;
  private static final int WARM_UP_CALLS = 1000;
  private static final int BATCH_CALLS = 100;

  private CacheHitBenchmark() {}

  public static void main(String[] args) throws Exception {
    int sequential = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int perClient = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    Path app = TestPaths.projectDir().resolve("src/e2e/reference-app");
    if (!Files.isDirectory(app.resolve("node_modules/react"))) throw new IllegalStateException("the reference app is not installed: run scripts/setup");
    String loadBefore = loadAverage();
    Path work = Files.createTempDirectory("prebundled-bench-hits-");
    Path cacheDir = work.resolve("cache");
    Path log = work.resolve("daemon.log");
    Process daemon = startDaemon(cacheDir, app, log);
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::destroyForcibly));
    boolean ok = false;
    try {
      Path socket = awaitSocket(daemon, cacheDir, log);
      List<ImportSpec> imports;
      long warmMs;
      int built;
      try (RpcClient client = connect(socket)) {
        imports = importsOf(app, scan(client, app));
        long t0 = System.nanoTime();
        JsonNode reply = client.call("bundle", params(app, imports), 600_000);
        warmMs = (System.nanoTime() - t0) / 1_000_000;
        for (JsonNode r : reply.get("results")) if (r.has("error")) throw new IllegalStateException("warm-up failed: " + r);
        awaitIdle(client);
        built = client.call("stats", Map.of(), 30_000).get("unitBuilds").asInt();
      }
      List<Map<String, Object>> single = imports.stream().map(i -> params(app, List.of(i))).toList();
      Map<String, Object> whole = params(app, imports);
      Counts counts = new Counts();
      try (RpcClient client = connect(socket)) {
        for (int i = 0; i < WARM_UP_CALLS; i++) hit(client, single.get(i % single.size()), new Counts());
        hit(client, whole, new Counts());
      }

      List<Double> seq = new ArrayList<>();
      List<Double> conc = Collections.synchronizedList(new ArrayList<>());
      List<Double> batch = new ArrayList<>();
      List<Double> seqRate = new ArrayList<>();
      List<Double> concRate = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        for (int round = 0; round < ROUNDS; round++) {
          try (RpcClient client = connect(socket)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < sequential; i++) seq.add(hit(client, single.get(i % single.size()), counts));
            seqRate.add(sequential / ((System.nanoTime() - t0) / 1e9));
          }
          concRate.add(concurrent(pool, socket, single, perClient, conc, counts));
          try (RpcClient client = connect(socket)) {
            for (int i = 0; i < BATCH_CALLS; i++) batch.add(hit(client, whole, counts));
          }
        }
      } finally {
        pool.shutdownNow();
      }
      JsonNode stats;
      try (RpcClient client = connect(socket)) {
        stats = client.call("stats", Map.of(), 30_000);
      }
      report(sequential, perClient, imports.size(), built, warmMs, seq, conc, batch, seqRate, concRate, counts, stats, loadBefore);
      ok = true;
    } finally {
      stop(daemon, cacheDir);
      if (ok) deleteTree(work);
      else System.err.println("daemon log kept at " + log);
    }
  }

  /** Misses and errors seen while measuring (all should be zero for pure hits). */
  private static final class Counts {
    final AtomicInteger results = new AtomicInteger();
    final AtomicInteger notCached = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicInteger reloads = new AtomicInteger();
  }

  private static double hit(RpcClient client, Map<String, Object> params, Counts counts) {
    long t0 = System.nanoTime();
    JsonNode reply = client.call("bundle", params, 60_000);
    double ms = (System.nanoTime() - t0) / 1e6;
    for (JsonNode r : reply.get("results")) {
      counts.results.incrementAndGet();
      if (r.has("error")) counts.errors.incrementAndGet();
      else if (!r.path("cached").asBoolean(false)) counts.notCached.incrementAndGet();
      if (r.hasNonNull("reload")) counts.reloads.incrementAndGet();
    }
    return ms;
  }

  /** CLIENTS connections, each making perClient calls at once; returns calls per second over the wall time. */
  private static double concurrent(ExecutorService pool, Path socket, List<Map<String, Object>> single, int perClient,
      List<Double> samples, Counts counts) throws Exception {
    List<RpcClient> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) clients.add(connect(socket));
    try {
      CountDownLatch ready = new CountDownLatch(CLIENTS);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<Double>>> futures = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        RpcClient client = clients.get(c);
        int offset = c * 7;
        futures.add(pool.submit(() -> {
          List<Double> mine = new ArrayList<>(perClient);
          ready.countDown();
          go.await();
          for (int i = 0; i < perClient; i++) mine.add(hit(client, single.get((offset + i) % single.size()), counts));
          return mine;
        }));
      }
      ready.await();
      long t0 = System.nanoTime();
      go.countDown();
      for (Future<List<Double>> f : futures) samples.addAll(f.get(10, TimeUnit.MINUTES));
      double seconds = (System.nanoTime() - t0) / 1e9;
      return CLIENTS * perClient / seconds;
    } finally {
      clients.forEach(RpcClient::close);
    }
  }

  private static void report(int sequential, int perClient, int importCount, int built, long warmMs, List<Double> seq,
      List<Double> conc, List<Double> batch, List<Double> seqRate, List<Double> concRate, Counts counts, JsonNode stats,
      String loadBefore) {
    Stats s = Stats.of(seq);
    Stats c = Stats.of(conc);
    Stats b = Stats.of(batch);
    Stats sr = Stats.of(seqRate);
    Stats cr = Stats.of(concRate);
    System.out.println("## Cache hits through the daemon's socket");
    System.out.println();
    System.out.println("Command:");
    System.out.println();
    System.out.println("```");
    System.out.println("scripts/bench cache-hits " + sequential + (perClient != 500 ? " " + perClient : ""));
    System.out.println("```");
    System.out.println();
    System.out.printf("A real daemon process (`prebundled daemon`, -Xmx512m) on the reference app, warmed by bundling the %d%n", importCount);
    System.out.printf("imports its own `scan` finds as one batch (%d units built in %d ms), then %d uncounted warm-up calls.%n", built, warmMs, WARM_UP_CALLS);
    System.out.printf("Each round: one client makes %d sequential `bundle` calls of one import each (cycling through%n", sequential);
    System.out.printf("the app's imports); then %d clients, each on its own connection with its own session, make %d%n", CLIENTS, perClient);
    System.out.printf("calls each at the same time; then one client asks for all %d imports as one batch %d times.%n", importCount, BATCH_CALLS);
    System.out.printf("%d rounds. Latency is client-side, request written to reply parsed (Java `RpcClient`, JSON both ways).%n", ROUNDS);
    System.out.println();
    System.out.printf("%s, %d cores, Java %s, %s; load average before the run %s:%n", LocalDate.now(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.arch"), loadBefore);
    System.out.println();
    System.out.println(Stats.header());
    System.out.println(s.row("1 client, 1 import per call"));
    System.out.println(c.row(CLIENTS + " clients at once, 1 import per call"));
    System.out.println(b.row("1 client, all " + importCount + " imports per call"));
    System.out.println();
    System.out.println("| throughput | rounds | median hits/s | range hits/s |");
    System.out.println("|---|---|---|---|");
    System.out.printf("| 1 client, sequential | %d | %.0f | %.0f–%.0f |%n", sr.count(), sr.median(), sr.min(), sr.max());
    System.out.printf("| %d clients at once | %d | %.0f | %.0f–%.0f |%n", CLIENTS, cr.count(), cr.median(), cr.min(), cr.max());
    System.out.println();
    System.out.printf("Calls measured: %d; import results %d, of them not cached %d, errors %d, reloads %d.%n",
        seq.size() + conc.size() + batch.size(), counts.results.get(), counts.notCached.get(), counts.errors.get(), counts.reloads.get());
    System.out.printf("p50 %.2f ms / p99 %.2f ms for one client; p50 %.2f ms / p99 %.2f ms with %d clients. Ratio of throughputs%n",
        s.median(), s.p99(), c.median(), c.p99(), CLIENTS);
    System.out.printf("(%d clients / 1 client): **%.1fx**. Daemon unit builds after the run: %d (all before measuring).%n",
        CLIENTS, cr.median() / sr.median(), stats.path("unitBuilds").asInt());
  }

  private static Process startDaemon(Path cacheDir, Path app, Path log) throws IOException {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), "dev.prebundled.cli.Main", "daemon",
        "--cache-dir", cacheDir.toString(), "--project-root", app.toString(), "--log-to-console");
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  private static Path awaitSocket(Process daemon, Path cacheDir, Path log) throws Exception {
    DaemonFiles files = new DaemonFiles(cacheDir);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!daemon.isAlive()) throw new IllegalStateException("daemon exited with " + daemon.exitValue() + ":\n" + Files.readString(log));
      Optional<DaemonFiles.Info> info = files.readInfo(JSON);
      if (info.isPresent() && info.get().pid() == daemon.pid()) return Path.of(info.get().socket());
      Thread.sleep(20);
    }
    throw new IllegalStateException("the daemon did not start within 60 s:\n" + Files.readString(log));
  }

  private static RpcClient connect(Path socket) throws IOException {
    RpcClient client = RpcClient.connect(socket);
    client.call("hello", Map.of("protocol", Messages.PROTOCOL, "client", "bench"), 30_000);
    return client;
  }

  private static void awaitIdle(RpcClient client) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      JsonNode stats = client.call("stats", Map.of(), 30_000);
      if (stats.get("queueWaiting").asInt() + stats.get("queueRunning").asInt() == 0) return;
      Thread.sleep(50);
    }
    throw new IllegalStateException("the daemon's queue did not drain");
  }

  private static void stop(Process daemon, Path cacheDir) throws InterruptedException {
    if (!daemon.isAlive()) return;
    try {
      Optional<DaemonFiles.Info> info = new DaemonFiles(cacheDir).readInfo(JSON);
      if (info.isPresent()) {
        try (RpcClient client = connect(Path.of(info.get().socket()))) {
          client.call("shutdown", Map.of(), 30_000);
        }
      }
    } catch (RuntimeException | IOException e) {
      // fall through to destroy
    }
    if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
      daemon.destroyForcibly();
      daemon.waitFor();
    }
  }

  /** The bare imports the daemon's scan finds (Node builtins left out), as the plugin would send them. */
  private static List<String> scan(RpcClient client, Path app) {
    JsonNode reply = client.call("scan", Map.of("root", app.toString(), "mode", "development"), 60_000);
    List<String> specifiers = new ArrayList<>();
    reply.get("imports").forEach(i -> specifiers.add(i.get("specifier").asText()));
    return specifiers;
  }

  private static List<ImportSpec> importsOf(Path app, List<String> specifiers) {
    PackageJsonReader reader = new PackageJsonReader();
    ModuleResolver resolver = new ModuleResolver(ResolutionOptions.viteClient(false), reader);
    List<ImportSpec> imports = new ArrayList<>();
    for (String specifier : specifiers) {
      if (NodeBuiltins.isBuiltin(specifier)) continue;
      BareSpecifier bare = BareSpecifier.parse(specifier);
      Optional<Path> dir = resolver.findPackageDir(bare.packageName(), app);
      if (dir.isEmpty()) continue; // a Node builtin or not installed: not a cache hit either way
      PackageRoot root = PackageRoot.ofDir(dir.get(), reader);
      imports.add(new ImportSpec(specifier, dir.get().toString(), root.name(), root.version(), bare.subpath()));
    }
    return imports;
  }

  private static Map<String, Object> params(Path app, List<ImportSpec> imports) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("project", app.toString());
    params.put("mode", "development");
    params.put("imports", imports);
    return params;
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " / " + parts[1] + " / " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
