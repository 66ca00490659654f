package dev.prebundled.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prebundled.error.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The daemon's effective configuration, validated and typed: one record per section of the seed
 * configuration (DESIGN section 7). Build it with {@link #from} (a nested JSON object, missing
 * keys taking their defaults) or {@link #defaults()}.
 */
public record Settings(
    OptimizeDeps optimizeDeps,
    CacheStrategy cacheStrategy,
    CacheInvalidation cacheInvalidation,
    RetryStrategy retryStrategy,
    ErrorHandling errorHandling,
    ResourceManagement resourceManagement,
    ProcessLimits processLimits,
    HealthCheck healthCheck,
    Logger logger,
    Map<String, JsonNode> raw) {

  /** How many builds run at once, and the resources esbuild and the index may use. */
  public record OptimizeDeps(boolean sequential, int maxConcurrent, int memoryLimitMb, double cpuLimit, String cacheDir) {
    /** The real bound on concurrent builds: 1 when sequential. */
    public int buildConcurrency() {
      return sequential ? 1 : maxConcurrent;
    }

    /** Cores esbuild and the pools may use: the configured share of this machine, at least one. */
    public int cores() {
      return Math.max(1, (int) Math.floor(Runtime.getRuntime().availableProcessors() * cpuLimit));
    }

    /**
     * The environment the esbuild child gets: {@code GOMAXPROCS} from {@code cpuLimit} (Go then
     * runs esbuild's parallel work on that many cores) and {@code GOMEMLIMIT} from {@code
     * memoryLimit} (a soft limit: Go collects harder as the child nears it, rather than failing).
     */
    public Map<String, String> esbuildEnvironment() {
      return Map.of("GOMAXPROCS", Integer.toString(cores()), "GOMEMLIMIT", memoryLimitMb + "MiB");
    }

    /** The in-memory index's weight bound: a quarter of {@code memoryLimit}, the rest is esbuild's. */
    public long indexWeightBytes() {
      return (long) memoryLimitMb * 1024 * 1024 / 4;
    }
  }

  /** Freshness and naming of cache entries. */
  public record CacheStrategy(boolean persistent, Duration maxAge, Duration staleWhileRevalidate, String cacheKey) {}

  /** The background sweep. */
  public record CacheInvalidation(Duration checkInterval, int maxRetries, Duration retryDelay) {}

  /** The retry around every build. */
  public record RetryStrategy(int maxAttempts, Duration baseDelay, Duration maxDelay, boolean jitter, double jitterFactor) {}

  /** Which error codes are retried. */
  public record ErrorHandling(Set<String> transientErrors, Set<String> permanentErrors) {
    /**
     * Only codes {@code transientErrors} lists are retried; everything else, listed as permanent
     * or not listed at all, fails at its first attempt. (A code on both lists is refused when the
     * settings are read, so the order of the checks does not matter.)
     */
    public boolean isTransient(ErrorCode code) {
      return transientErrors.contains(code.name()) && !permanentErrors.contains(code.name());
    }
  }

  /** The daemon's own resource bounds. */
  public record ResourceManagement(int maxOldSpaceSizeMb, int maxSemiSpaceSizeMb, int maxFiles, int maxWatches) {}

  /** Bounds on requests in service, queued builds and build time. */
  public record ProcessLimits(int maxConcurrent, int queueSize, Duration timeout) {}

  /** The health endpoint. */
  public record HealthCheck(String path, Duration interval, List<String> checks) {}

  /** The log file and the periodic metrics line. */
  public record Logger(String level, String format, String filePath, int fileMaxSizeMb, int fileMaxFiles, boolean metricsEnabled, Duration metricsInterval) {}

  public static Settings defaults() {
    return from(null);
  }

  /** Validates and types a nested configuration object; null means all defaults. */
  public static Settings from(JsonNode config) {
    Map<String, JsonNode> v = KnobTable.standard().resolve(config);
    List<String> problems = crossChecks(v);
    if (!problems.isEmpty()) throw new ConfigException(problems);
    return new Settings(
        new OptimizeDeps(bool(v, "optimizeDeps.sequential"), integer(v, "optimizeDeps.maxConcurrent"),
            integer(v, "optimizeDeps.memoryLimit"), v.get("optimizeDeps.cpuLimit").asDouble(), text(v, "optimizeDeps.cacheDir")),
        new CacheStrategy(bool(v, "cacheStrategy.persistent"), millis(v, "cacheStrategy.maxAge"),
            millis(v, "cacheStrategy.staleWhileRevalidate"), text(v, "cacheStrategy.cacheKey")),
        new CacheInvalidation(millis(v, "cacheInvalidation.checkInterval"), integer(v, "cacheInvalidation.maxRetries"),
            millis(v, "cacheInvalidation.retryDelay")),
        new RetryStrategy(integer(v, "retryStrategy.maxAttempts"), millis(v, "retryStrategy.baseDelay"),
            millis(v, "retryStrategy.maxDelay"), bool(v, "retryStrategy.jitter"), v.get("retryStrategy.jitterFactor").asDouble()),
        new ErrorHandling(Set.copyOf(list(v, "errorHandling.transientErrors")), Set.copyOf(list(v, "errorHandling.permanentErrors"))),
        new ResourceManagement(integer(v, "server.resourceManagement.maxOldSpaceSize"), integer(v, "server.resourceManagement.maxSemiSpaceSize"),
            integer(v, "server.resourceManagement.maxFiles"), integer(v, "server.resourceManagement.maxWatches")),
        new ProcessLimits(integer(v, "server.processLimits.maxConcurrent"), integer(v, "server.processLimits.queueSize"),
            millis(v, "server.processLimits.timeout")),
        new HealthCheck(text(v, "server.healthCheck.path"), millis(v, "server.healthCheck.interval"), list(v, "server.healthCheck.checks")),
        new Logger(text(v, "logger.level"), text(v, "logger.format"), text(v, "logger.file.path"), integer(v, "logger.file.maxSize"),
            integer(v, "logger.file.maxFiles"), bool(v, "logger.metrics.enabled"), millis(v, "logger.metrics.interval")),
        Map.copyOf(v));
  }

  /** The effective values as nested JSON, as {@code hello} reports them. */
  public ObjectNode toJson() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    raw.forEach((key, value) -> KnobTable.put(root, key, value));
    return root;
  }

  // Rules between knobs, which the per-knob table cannot state. Each message names both keys.
  private static List<String> crossChecks(Map<String, JsonNode> v) {
    List<String> problems = new ArrayList<>();
    List<String> both = new ArrayList<>(list(v, "errorHandling.transientErrors"));
    both.retainAll(list(v, "errorHandling.permanentErrors"));
    if (!both.isEmpty()) {
      problems.add("errorHandling.transientErrors and errorHandling.permanentErrors both list " + String.join(", ", both)
          + "; a code is either retried or not");
    }
    if (v.get("retryStrategy.maxDelay").asLong() < v.get("retryStrategy.baseDelay").asLong()) {
      problems.add("retryStrategy.maxDelay (" + v.get("retryStrategy.maxDelay") + ") must be at least retryStrategy.baseDelay ("
          + v.get("retryStrategy.baseDelay") + ")");
    }
    if (integer(v, "server.resourceManagement.maxSemiSpaceSize") >= integer(v, "server.resourceManagement.maxOldSpaceSize")) {
      problems.add("server.resourceManagement.maxSemiSpaceSize (" + v.get("server.resourceManagement.maxSemiSpaceSize")
          + ") must be less than server.resourceManagement.maxOldSpaceSize (" + v.get("server.resourceManagement.maxOldSpaceSize")
          + "): they become the JVM's -Xmn and -Xmx");
    }
    return problems;
  }

  private static boolean bool(Map<String, JsonNode> v, String key) {
    return v.get(key).asBoolean();
  }

  private static int integer(Map<String, JsonNode> v, String key) {
    return v.get(key).asInt();
  }

  private static Duration millis(Map<String, JsonNode> v, String key) {
    return Duration.ofMillis(v.get(key).asLong());
  }

  private static String text(Map<String, JsonNode> v, String key) {
    return v.get(key).asText();
  }

  private static List<String> list(Map<String, JsonNode> v, String key) {
    List<String> items = new ArrayList<>();
    v.get(key).forEach(n -> items.add(n.asText()));
    return List.copyOf(items);
  }
}
