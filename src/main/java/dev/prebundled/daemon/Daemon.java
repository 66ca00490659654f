package dev.prebundled.daemon;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prebundled.bundle.AppScanner;
import dev.prebundled.bundle.BuildMode;
import dev.prebundled.bundle.ClosureAnalyzer;
import dev.prebundled.bundle.PackageBundler;
import dev.prebundled.cache.CacheIndex;
import dev.prebundled.cache.CacheKey;
import dev.prebundled.cache.DiskCacheStore;
import dev.prebundled.cache.Fingerprints;
import dev.prebundled.config.KnobTable;
import dev.prebundled.config.Settings;
import dev.prebundled.daemon.Messages.BundleParams;
import dev.prebundled.daemon.Messages.HelloParams;
import dev.prebundled.daemon.Messages.HelloResult;
import dev.prebundled.daemon.Messages.InvalidateParams;
import dev.prebundled.daemon.Messages.InvalidateReply;
import dev.prebundled.daemon.Messages.MetricsReply;
import dev.prebundled.daemon.Messages.ScanParams;
import dev.prebundled.daemon.Messages.ScanReply;
import dev.prebundled.daemon.Messages.ScannedImport;
import dev.prebundled.daemon.Messages.SettingMismatch;
import dev.prebundled.daemon.Messages.ShutdownReply;
import dev.prebundled.esbuild.EsbuildBinary;
import dev.prebundled.esbuild.EsbuildService;
import dev.prebundled.observe.DaemonMetrics;
import dev.prebundled.queue.BuildQueue;
import dev.prebundled.queue.Faults;
import dev.prebundled.queue.QueueSettings;
import dev.prebundled.queue.RetryPolicy;
import dev.prebundled.resolve.PackageJsonReader;
import dev.prebundled.resolve.ResolutionOptions;
import dev.prebundled.rpc.RpcContext;
import dev.prebundled.rpc.RpcException;
import dev.prebundled.rpc.RpcMethod;
import dev.prebundled.rpc.RpcServer;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running daemon for one cache directory: holds the lock, listens on the socket, and wires
 * the esbuild service, bundler, planner, queue, cache, metrics and health together. {@link
 * #start} refuses with {@link AlreadyRunning} when another daemon holds the directory.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);
  public static final String VERSION = Optional.ofNullable(Daemon.class.getPackage().getImplementationVersion()).orElse("dev");

  /** How to start: the cache directory, the validated settings, the roots whose packages may be bundled, an esbuild binary. */
  public record Options(Path cacheDir, Settings settings, List<Path> projectRoots, Optional<Path> esbuildBinary) {}

  /** Thrown by {@link #start} when another daemon already serves the cache directory. */
  public static final class AlreadyRunning extends Exception {
    private final DaemonFiles.Info info;

    AlreadyRunning(DaemonFiles.Info info) {
      super(info.pid() < 0
          ? "already running (starting up, socket " + info.socket() + ")"
          : "already running (pid " + info.pid() + ", socket " + info.socket() + ")");
      this.info = info;
    }

    public DaemonFiles.Info info() {
      return info;
    }
  }

  private final ObjectMapper json = new ObjectMapper();
  private final DaemonFiles files;
  private final Settings settings;
  private final DaemonLock lock;
  private final EsbuildService esbuild;
  private final Faults faults;
  private final DaemonMetrics metrics;
  private final CacheIndex cache;
  private final BuildQueue<CacheKey> queue;
  private final Sessions sessions = new Sessions();
  private final Prebundler prebundler;
  private final AppScanner scanner;
  private final Health health;
  private final ScheduledExecutorService scheduler;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ProjectStore projects;
  private final Fingerprints fingerprints;
  /** The first project root: what relative path knobs are relative to. */
  private final Path projectRoot;
  private RpcServer server;
  private CacheSweep sweep;

  private Daemon(Options options, DaemonFiles files, DaemonLock lock) {
    this.files = files;
    this.settings = options.settings();
    this.lock = lock;
    this.projectRoot = options.projectRoots().stream().findFirst().orElse(Path.of("")).toAbsolutePath();
    Settings.OptimizeDeps limits = settings.optimizeDeps();
    EsbuildBinary binary = EsbuildBinary.locate(EsbuildBinary.Lookup.standard(options.esbuildBinary(), options.projectRoots().stream().findFirst()));
    this.faults = Faults.fromSystemProperty();
    this.esbuild = EsbuildService.start(binary, limits.esbuildEnvironment(), faults::onPluginCallback);
    this.metrics = new DaemonMetrics(esbuild::childPid);
    DiskCacheStore store = new DiskCacheStore(files.cacheDir(), settings.resourceManagement().maxFiles());
    if (!settings.cacheStrategy().persistent()) {
      int removed = store.removeIf(manifest -> true);
      log.info("cacheStrategy.persistent is false: cleared {} cached units", removed);
    }
    int swept = store.sweepTemporary();
    if (swept > 0) log.info("swept {} temporary folders left by an earlier crash", swept);
    // The index gets a quarter of the memory budget; esbuild's soft limit is the whole of it.
    this.cache = new CacheIndex(store, limits.indexWeightBytes(), corruption -> {
      metrics.corruption();
      log.warn("dropped a corrupt cache entry: {}", corruption);
    });
    this.queue = new BuildQueue<>(QueueSettings.from(settings),
        RetryPolicy.create("build", settings.retryStrategy(), settings.errorHandling()), metrics.registry(), faults);
    PackageJsonReader packageJsons = new PackageJsonReader();
    this.fingerprints = new Fingerprints();
    this.projects = new ProjectStore(files.projects(), json);
    PackageBundler bundler = new PackageBundler(esbuild, packageJsons, ResolutionOptions.viteClient(false), PackageBundler.DEFAULT_TARGET);
    this.prebundler = new Prebundler(settings, new RequestValidator(options.projectRoots(), packageJsons), bundler,
        new ClosureAnalyzer(esbuild, packageJsons), cache, fingerprints, queue, projects, metrics, binary.version(), Clock.systemUTC());
    this.scanner = new AppScanner(esbuild);
    this.health = new Health(settings, files.cacheDir(), cache, queue, esbuild, metrics);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "prebundled-scheduler");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * What the lock holder wrote about itself. A holder that is still starting has not written it
   * yet (two processes raced to start a daemon): give it a few seconds before saying so.
   */
  private static DaemonFiles.Info holderInfo(DaemonFiles files) {
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < 50; i++) {
      Optional<DaemonFiles.Info> info = files.readInfo(json);
      if (info.isPresent()) return info.get();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return new DaemonFiles.Info(-1, files.socket().toString(), Messages.PROTOCOL, "?", "?");
  }

  /** Takes the cache directory's lock and starts serving. */
  public static Daemon start(Options options) throws IOException, AlreadyRunning {
    DaemonFiles files = new DaemonFiles(options.cacheDir());
    Files.createDirectories(files.cacheDir());
    Files.setPosixFilePermissions(files.cacheDir(), PosixFilePermissions.fromString("rwx------"));
    Optional<DaemonLock> lock = DaemonLock.tryAcquire(files.lock());
    if (lock.isEmpty()) throw new AlreadyRunning(holderInfo(files));
    Daemon daemon;
    try {
      daemon = new Daemon(options, files, lock.get());
    } catch (RuntimeException e) {
      lock.get().close();
      throw e;
    }
    try {
      daemon.listen();
    } catch (IOException | RuntimeException e) {
      daemon.close();
      throw e;
    }
    return daemon;
  }

  private void listen() throws IOException {
    Bulkhead bulkhead = Bulkhead.of("requests", BulkheadConfig.custom()
        .maxConcurrentCalls(settings.processLimits().maxConcurrent())
        .maxWaitDuration(settings.processLimits().timeout())
        .build());
    server = RpcServer.start(files.socket(), json, methods(), bulkhead, code -> settings.errorHandling().isTransient(code));
    files.writeInfo(json, ProcessHandle.current().pid(), server.socket(), VERSION);
    if (settings.logger().metricsEnabled()) {
      long every = settings.logger().metricsInterval().toMillis();
      scheduler.scheduleAtFixedRate(() -> log.info("metrics: {}", metrics.snapshot().logLine()), every, every, TimeUnit.MILLISECONDS);
    }
    long healthEvery = settings.healthCheck().interval().toMillis();
    scheduler.scheduleAtFixedRate(health::evaluate, healthEvery, healthEvery, TimeUnit.MILLISECONDS);
    sweep = new CacheSweep(settings.cacheInvalidation(), settings.resourceManagement().maxWatches(), cache, projects, fingerprints);
    log.info("prebundled daemon {} serving {} on {} (pid {})", VERSION, files.cacheDir(), server.socket(), ProcessHandle.current().pid());
  }

  public Path socket() {
    return server.socket();
  }

  public DaemonFiles files() {
    return files;
  }

  /** Blocks until the daemon has stopped (a {@code shutdown} request or {@link #close}). */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  private Map<String, RpcMethod> methods() {
    Map<String, RpcMethod> methods = new LinkedHashMap<>();
    methods.put("hello", this::hello);
    methods.put("bundle", (params, context) -> prebundler.bundle(sessions.get(context.session()), read(params, BundleParams.class)));
    methods.put("prewarm", (params, context) -> prebundler.prewarm(sessions.get(context.session()), read(params, BundleParams.class)));
    methods.put("scan", (params, context) -> scan(read(params, ScanParams.class)));
    methods.put("health", (params, context) -> health.report());
    methods.put("metrics", (params, context) -> new MetricsReply(metrics.prometheusText()));
    methods.put("stats", (params, context) -> stats());
    methods.put("invalidate", (params, context) -> invalidate(read(params, InvalidateParams.class)));
    methods.put("shutdown", (params, context) -> {
      Thread stopper = new Thread(() -> {
        try {
          Thread.sleep(50); // let the reply go out first
        } catch (InterruptedException ignored) {
          // stopping anyway
        }
        close();
      }, "prebundled-shutdown");
      stopper.start();
      return new ShutdownReply(true);
    });
    return methods;
  }

  private <T> T read(JsonNode params, Class<T> type) {
    try {
      return json.treeToValue(params, type);
    } catch (IOException e) {
      String method = type.getSimpleName().replace("Params", "").toLowerCase();
      if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
        String field = mapping.getPath().stream()
            .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
            .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("");
        String expected = mapping instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
            ? " must be " + describe(mismatch.getTargetType()) : " is invalid";
        throw RpcException.invalidParams("invalid params for " + method + ": " + field + expected);
      }
      String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw RpcException.invalidParams("invalid params for " + method + ": " + message);
    }
  }

  private static String describe(Class<?> type) {
    if (java.util.Collection.class.isAssignableFrom(type)) return "a list";
    if (type == String.class) return "a string";
    if (type == Boolean.class || type == boolean.class) return "a boolean";
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) return "a number";
    return "an object";
  }

  private HelloResult hello(JsonNode params, RpcContext context) {
    HelloParams hello = read(params, HelloParams.class);
    if (hello.protocol() == null || hello.protocol() != Messages.PROTOCOL) {
      throw RpcException.invalidParams("this daemon speaks protocol " + Messages.PROTOCOL + ", the client " + hello.protocol()
          + "; restart the daemon with the same prebundled version as the client (scripts/prebundled restart)");
    }
    Sessions.Session session = sessions.open();
    context.startSession(session.id(), () -> sessions.close(session.id()));
    List<SettingMismatch> mismatches = new ArrayList<>();
    if (hello.settings() != null && !hello.settings().isNull()) {
      Map<String, JsonNode> wanted = KnobTable.standard().resolve(hello.settings());
      wanted.forEach((key, value) -> {
        JsonNode mine = settings.raw().get(key);
        if (!value.equals(mine) && !samePath(key, mine, value)) mismatches.add(new SettingMismatch(key, mine, value));
      });
    }
    return new HelloResult(Messages.PROTOCOL, VERSION, ProcessHandle.current().pid(), files.cacheDir().toString(), session.id(),
        settings.toJson(), mismatches);
  }

  /**
   * Path knobs are relative to the project root unless absolute; the plugin sends them absolute.
   * The same place written two ways is no mismatch ({@code cacheDir} is this daemon's own).
   */
  private boolean samePath(String key, JsonNode mine, JsonNode theirs) {
    if (mine == null || !mine.isTextual() || !theirs.isTextual()) return false;
    Path wanted = Path.of(theirs.asText()).normalize();
    if (key.equals("optimizeDeps.cacheDir")) return wanted.equals(files.cacheDir().toAbsolutePath().normalize());
    if (key.equals("logger.file.path")) return wanted.equals(projectRoot.resolve(mine.asText()).toAbsolutePath().normalize());
    return false;
  }

  private ScanReply scan(ScanParams params) {
    if (params.root() == null || !Path.of(params.root()).isAbsolute() || !Files.isDirectory(Path.of(params.root()))) {
      throw RpcException.invalidParams("root must be an absolute directory, got " + params.root());
    }
    long started = System.nanoTime();
    BuildMode mode = BuildMode.parse(params.mode() == null ? "development" : params.mode());
    AppScanner.Jsx jsx = new AppScanner.Jsx(params.jsx() == null ? "automatic" : params.jsx(),
        params.jsxImportSource() == null ? "react" : params.jsxImportSource());
    AppScanner.Scan scan = scanner.scan(Path.of(params.root()), List.of(files.cacheDir()), jsx, mode);
    List<ScannedImport> imports = scan.imports().entrySet().stream()
        .map(e -> new ScannedImport(e.getKey(), List.copyOf(e.getValue()))).toList();
    return new ScanReply(imports, scan.files(), Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  private InvalidateReply invalidate(InvalidateParams params) {
    if (Boolean.TRUE.equals(params.all())) return new InvalidateReply(cache.invalidate(manifest -> true));
    String target = params.packageName();
    if (target == null || target.isBlank()) throw RpcException.invalidParams("give \"package\" (name or name@version) or \"all\": true");
    int at = target.lastIndexOf('@');
    boolean withVersion = at > 0;
    String name = withVersion ? target.substring(0, at) : target;
    String version = withVersion ? target.substring(at + 1) : null;
    return new InvalidateReply(cache.invalidate(m -> m.key().name().equals(name) && (version == null || m.key().version().equals(version))));
  }

  private ObjectNode stats() {
    ObjectNode stats = json.createObjectNode();
    stats.put("unitBuilds", prebundler.unitBuilds());
    stats.put("analysisBuilds", prebundler.analysisBuilds());
    stats.put("queueWaiting", queue.waiting());
    stats.put("queueRunning", queue.running());
    stats.put("sessions", sessions.count());
    stats.put("connections", server.connections());
    stats.put("esbuildStarts", esbuild.childStarts());
    esbuild.childPid().ifPresent(pid -> stats.put("esbuildPid", pid));
    stats.put("attemptsInFlight", queue.attemptsInFlight());
    stats.put("sweeps", sweep == null ? 0 : sweep.sweeps());
    stats.put("sweepStaleDropped", sweep == null ? 0 : sweep.staleDropped());
    stats.put("watches", sweep == null ? 0 : sweep.watches());
    stats.put("threads", java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount());
    stats.put("heapPeakBytes", heapPeakBytes());
    stats.set("faults", json.valueToTree(faults.snapshot()));
    stats.put("corruptions", metrics.corruptions());
    stats.set("cache", json.valueToTree(cache.stats()));
    stats.set("metrics", json.valueToTree(metrics.snapshot()));
    return stats;
  }

  // The most heap the daemon has used since it started: the sum of the heap pools' peaks.
  private static long heapPeakBytes() {
    long peak = 0;
    for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
    }
    return peak;
  }

  /** Stops serving: no new requests, in-flight commits finish, the esbuild child stops, the lock is released. */
  @Override
  public synchronized void close() {
    if (stopped.getCount() == 0) return;
    log.info("prebundled daemon stopping");
    if (server != null) server.close();
    scheduler.shutdownNow();
    if (sweep != null) sweep.close();
    queue.close();
    esbuild.close();
    try {
      Files.deleteIfExists(files.info());
      lock.close();
    } catch (IOException e) {
      log.warn("while releasing the lock: {}", e.getMessage());
    }
    stopped.countDown();
  }
}
