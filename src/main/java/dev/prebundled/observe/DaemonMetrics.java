package dev.prebundled.observe;

import dev.prebundled.error.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The daemon's metrics, in one Micrometer registry exposed as Prometheus text: cache hit rate,
 * resolution success rate and time (p50/p95/p99), error recovery rate, pending operations,
 * resource usage (heap, CPU, esbuild child memory). Ratios are published as gauges too, so the
 * health endpoint and the log line can say "how well" without a Prometheus server.
 */
public final class DaemonMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Counter cacheStale;
  private final Counter corruptions;
  private final Counter resolved;
  private final Counter unresolved;
  private final Timer resolutionTime;
  /** Held here: a gauge keeps only a weak reference to its object, so a lone lambda would be collected and read 0. */
  private final Supplier<OptionalLong> esbuildPid;

  public DaemonMetrics(Supplier<OptionalLong> esbuildPid) {
    this.esbuildPid = esbuildPid;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    cacheHits = Counter.builder("prebundled.cache.lookups").tag("result", "hit").description("Units served from the cache").register(registry);
    cacheStale = Counter.builder("prebundled.cache.lookups").tag("result", "stale").description("Stale units served while revalidating").register(registry);
    cacheMisses = Counter.builder("prebundled.cache.lookups").tag("result", "miss").description("Units that had to be built").register(registry);
    corruptions = Counter.builder("prebundled.cache.corruptions").description("Cache entries dropped because a file did not match its manifest").register(registry);
    resolved = Counter.builder("prebundled.resolutions").tag("outcome", "success").description("Imports answered with a file").register(registry);
    unresolved = Counter.builder("prebundled.resolutions").tag("outcome", "failure").description("Imports answered with an error").register(registry);
    resolutionTime = Timer.builder("prebundled.resolution.time").description("Time to answer one bundle or prewarm request")
        .publishPercentiles(0.5, 0.95, 0.99).register(registry);
    Gauge.builder("prebundled.cache.hit.ratio", this, m -> ratio(m.cacheHits.count() + m.cacheStale.count(), m.cacheMisses.count()))
        .description("Share of unit lookups served from the cache").register(registry);
    Gauge.builder("prebundled.resolution.success.ratio", this, m -> ratio(m.resolved.count(), m.unresolved.count()))
        .description("Share of imports answered with a file").register(registry);
    Gauge.builder("prebundled.error.recovery.ratio", registry, r -> ratio(count(r, "prebundled.builds.recovered"), count(r, "prebundled.builds.failed")))
        .description("Share of builds that hit an error and recovered by retrying").register(registry);
    Gauge.builder("prebundled.esbuild.memory", this, m -> residentBytes(m.esbuildPid.get()))
        .baseUnit("bytes").description("Resident memory of the esbuild child").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public String prometheusText() {
    return registry.scrape();
  }

  public void cacheHit() {
    cacheHits.increment();
  }

  public void cacheStale() {
    cacheStale.increment();
  }

  public void cacheMiss() {
    cacheMisses.increment();
  }

  public long corruptions() {
    return (long) corruptions.count();
  }

  public void corruption() {
    corruptions.increment();
  }

  public void resolution(boolean success) {
    (success ? resolved : unresolved).increment();
  }

  public void error(ErrorCode code) {
    registry.counter("prebundled.errors", "code", code.name()).increment();
  }

  public void resolutionTime(Duration duration) {
    resolutionTime.record(duration);
  }

  /** The numbers of the periodic log line and of health, read from the same meters Prometheus sees. */
  public Snapshot snapshot() {
    Runtime runtime = Runtime.getRuntime();
    return new Snapshot(
        ratio(cacheHits.count() + cacheStale.count(), cacheMisses.count()),
        ratio(resolved.count(), unresolved.count()),
        ratio(count(registry, "prebundled.builds.recovered"), count(registry, "prebundled.builds.failed")),
        (long) resolutionTime.count(),
        percentile(0.5), percentile(0.95), percentile(0.99),
        (long) gauge("prebundled.queue.waiting") + (long) gauge("prebundled.queue.running"),
        runtime.totalMemory() - runtime.freeMemory(), runtime.maxMemory(),
        (long) gauge("prebundled.esbuild.memory"),
        gauge("process.cpu.usage"));
  }

  /** A moment's view of the daemon's health numbers. Ratios are 1 when nothing happened yet. */
  public record Snapshot(double cacheHitRatio, double resolutionSuccessRatio, double errorRecoveryRatio, long resolutions,
      double p50Millis, double p95Millis, double p99Millis, long pendingOperations, long heapUsedBytes, long heapMaxBytes,
      long esbuildResidentBytes, double processCpu) {

    public String logLine() {
      return String.format("cache hit %.0f%%, resolved %.0f%% of %d, p50 %.0f ms p95 %.0f ms p99 %.0f ms, pending %d, heap %d/%d MB, esbuild %d MB, cpu %.0f%%, recovered %.0f%%",
          cacheHitRatio * 100, resolutionSuccessRatio * 100, resolutions, p50Millis, p95Millis, p99Millis, pendingOperations,
          heapUsedBytes >> 20, heapMaxBytes >> 20, esbuildResidentBytes >> 20, processCpu * 100, errorRecoveryRatio * 100);
    }
  }

  private double percentile(double p) {
    for (var value : resolutionTime.takeSnapshot().percentileValues()) {
      if (value.percentile() == p) return value.value(java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    return 0;
  }

  private double gauge(String name) {
    var gauge = registry.find(name).gauge();
    return gauge == null ? 0 : gauge.value();
  }

  private static double count(MeterRegistry registry, String name) {
    var counter = registry.find(name).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double ratio(double good, double bad) {
    return good + bad == 0 ? 1.0 : good / (good + bad);
  }

  /** VmRSS of a process, from Linux's /proc; 0 where that is not available. */
  static double residentBytes(OptionalLong pid) {
    if (pid.isEmpty()) return 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid.getAsLong()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the child is between lives
    }
    return 0;
  }
}
