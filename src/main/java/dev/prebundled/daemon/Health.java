package dev.prebundled.daemon;

import dev.prebundled.cache.CacheIndex;
import dev.prebundled.config.Settings;
import dev.prebundled.esbuild.EsbuildService;
import dev.prebundled.observe.DaemonMetrics;
import dev.prebundled.queue.BuildQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "is it working, and how well": the checks named in {@code server.healthCheck.checks}
 * ({@code cache_status}, {@code resource_usage}, {@code pending_operations}), each with a status
 * and the numbers behind it. The daemon is unhealthy when any check is. Besides answering on
 * request, the daemon evaluates it every {@code server.healthCheck.interval} ({@link #evaluate}) and
 * logs each change of status, so the log says when and why it stopped being healthy.
 */
final class Health {
  private static final Logger log = LoggerFactory.getLogger(Health.class);
  static final double HEAP_LIMIT = 0.95;

  private final Settings settings;
  private final Path cacheDir;
  private final CacheIndex cache;
  private final BuildQueue<?> queue;
  private final EsbuildService esbuild;
  private final DaemonMetrics metrics;
  private final long startedAt = System.currentTimeMillis();
  private final AtomicLong evaluations = new AtomicLong();
  private volatile String lastStatus = "healthy";

  Health(Settings settings, Path cacheDir, CacheIndex cache, BuildQueue<?> queue, EsbuildService esbuild, DaemonMetrics metrics) {
    this.settings = settings;
    this.cacheDir = cacheDir;
    this.cache = cache;
    this.queue = queue;
    this.esbuild = esbuild;
    this.metrics = metrics;
  }

  /** The report, as a JSON-ready map. */
  Map<String, Object> report() {
    DaemonMetrics.Snapshot now = metrics.snapshot();
    Map<String, Object> checks = new LinkedHashMap<>();
    List<String> wanted = settings.healthCheck().checks();
    if (wanted.contains("cache_status")) checks.put("cache_status", cacheStatus(now));
    if (wanted.contains("resource_usage")) checks.put("resource_usage", resourceUsage(now));
    if (wanted.contains("pending_operations")) checks.put("pending_operations", pending());
    boolean healthy = checks.values().stream().allMatch(c -> "healthy".equals(((Map<?, ?>) c).get("status")));
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("status", healthy ? "healthy" : "unhealthy");
    report.put("checks", checks);
    report.put("uptimeMs", System.currentTimeMillis() - startedAt);
    report.put("evaluations", evaluations.get());
    return report;
  }

  /** The periodic evaluation: logs a change of status with the checks behind it. */
  void evaluate() {
    Map<String, Object> report = report();
    evaluations.incrementAndGet();
    String status = (String) report.get("status");
    if (status.equals(lastStatus)) return;
    lastStatus = status;
    if ("healthy".equals(status)) log.info("health: healthy again");
    else log.warn("health: {}: {}", status, report.get("checks"));
  }

  private Map<String, Object> cacheStatus(DaemonMetrics.Snapshot now) {
    boolean writable = Files.isDirectory(cacheDir) && Files.isWritable(cacheDir);
    Map<String, Object> check = new LinkedHashMap<>();
    check.put("status", writable ? "healthy" : "unhealthy");
    check.put("dir", cacheDir.toString());
    check.put("writable", writable);
    check.put("hitRatio", round(now.cacheHitRatio()));
    check.put("index", cache.stats());
    return check;
  }

  private Map<String, Object> resourceUsage(DaemonMetrics.Snapshot now) {
    double heapRatio = now.heapMaxBytes() == 0 ? 0 : (double) now.heapUsedBytes() / now.heapMaxBytes();
    boolean esbuildRunning = esbuild.childPid().isPresent();
    Map<String, Object> check = new LinkedHashMap<>();
    check.put("status", heapRatio < HEAP_LIMIT ? "healthy" : "unhealthy");
    check.put("heapUsedMb", now.heapUsedBytes() >> 20);
    check.put("heapMaxMb", now.heapMaxBytes() >> 20);
    check.put("esbuildRunning", esbuildRunning);
    check.put("esbuildRestarts", Math.max(0, esbuild.childStarts() - 1));
    check.put("esbuildMemoryMb", now.esbuildResidentBytes() >> 20);
    check.put("cpu", round(now.processCpu()));
    return check;
  }

  private Map<String, Object> pending() {
    int capacity = settings.processLimits().queueSize();
    Map<String, Object> check = new LinkedHashMap<>();
    check.put("status", queue.waiting() < capacity ? "healthy" : "unhealthy");
    check.put("waiting", queue.waiting());
    check.put("running", queue.running());
    check.put("capacity", capacity);
    return check;
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
