package dev.prebundled.esbuild;

import dev.prebundled.error.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * esbuild as a service for the JVM: one long-lived {@code esbuild --service} child shared by every
 * build, with Java plugins. Builds are pipelined over the child's stdio; any number may be in
 * flight. If the child dies, the builds in flight fail with the transient {@link
 * ErrorCode#ESBUILD_CRASHED} and the next build starts a fresh child. Close it to stop the child.
 */
public final class EsbuildService implements AutoCloseable {
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

  private final EsbuildBinary binary;
  private final Map<String, String> environment;
  private final ExecutorService callbacks;
  private final LongConsumer onPluginCallback;
  private final Map<Integer, ActiveBuild> activeBuilds = new ConcurrentHashMap<>();
  private final AtomicInteger nextBuildKey = new AtomicInteger();
  private final AtomicLong childStarts = new AtomicLong();
  private final Object lifecycle = new Object();
  private EsbuildProcess child;
  private boolean closed;

  private EsbuildService(EsbuildBinary binary, Map<String, String> environment, LongConsumer onPluginCallback) {
    this.binary = binary;
    this.environment = Map.copyOf(environment);
    this.onPluginCallback = onPluginCallback;
    AtomicInteger threadNumber = new AtomicInteger();
    this.callbacks =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "esbuild-callback-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts the service. {@code environment} is added to the child's, for example {@code
   * GOMAXPROCS} and {@code GOMEMLIMIT} to bound its CPU and memory.
   */
  public static EsbuildService start(EsbuildBinary binary, Map<String, String> environment) {
    return start(binary, environment, pid -> {});
  }

  /**
   * Starts the service with a hook told the child's pid whenever a build's resolve or load
   * callback arrives, which is a moment the child is certainly in the middle of a build. Only
   * fault injection uses it (to kill the child there).
   */
  public static EsbuildService start(EsbuildBinary binary, Map<String, String> environment, LongConsumer onPluginCallback) {
    EsbuildService service = new EsbuildService(binary, environment, onPluginCallback);
    try {
      service.child();
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    return service;
  }

  public static EsbuildService start(EsbuildBinary binary) {
    return start(binary, Map.of());
  }

  /** Runs one build. Completes exceptionally with {@link EsbuildException} for service failures. */
  public CompletableFuture<BuildResult> build(BuildOptions options) {
    EsbuildProcess process;
    ActiveBuild build;
    try {
      process = child();
      build = new ActiveBuild(nextBuildKey.incrementAndGet(), options, process);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    activeBuilds.put(build.key(), build);
    return process
        .request(build.toWireRequest())
        .whenComplete((response, error) -> activeBuilds.remove(build.key()))
        .thenApply(EsbuildService::toResult);
  }

  /**
   * Builds and waits, unwrapping the exception a failed future would carry. Waiting is
   * interruptible: an interrupted caller stops waiting (the child finishes the build and its
   * answer is dropped).
   */
  public BuildResult buildAndWait(BuildOptions options) {
    try {
      return build(options).get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EsbuildException(ErrorCode.ETIMEDOUT, "interrupted while waiting for esbuild");
    }
  }

  public EsbuildBinary binary() {
    return binary;
  }

  /** The running child's pid, if one is running. */
  public OptionalLong childPid() {
    synchronized (lifecycle) {
      return child != null && child.isAlive() ? OptionalLong.of(child.pid()) : OptionalLong.empty();
    }
  }

  /** How many children this service has started; more than one means it recovered from a crash. */
  public long childStarts() {
    return childStarts.get();
  }

  public int buildsInFlight() {
    return activeBuilds.size();
  }

  @Override
  public void close() {
    EsbuildProcess last;
    synchronized (lifecycle) {
      if (closed) return;
      closed = true;
      last = child;
      child = null;
    }
    if (last != null) last.close(SHUTDOWN_GRACE);
    callbacks.shutdown();
    try {
      if (!callbacks.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) callbacks.shutdownNow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callbacks.shutdownNow();
    }
  }

  private EsbuildProcess child() {
    synchronized (lifecycle) {
      if (closed) throw new EsbuildException(ErrorCode.ESBUILD_CRASHED, "the esbuild service is closed");
      if (child == null || !child.isAlive()) {
        if (child != null) child.close(Duration.ofMillis(100));
        child = EsbuildProcess.start(binary.path(), binary.version(), environment, callbacks, this::onRequest);
        childStarts.incrementAndGet();
      }
      return child;
    }
  }

  private Map<String, Object> onRequest(Map<String, Object> request) {
    Object command = request.get("command");
    if ("on-resolve".equals(command) || "on-load".equals(command)) childPid().ifPresent(onPluginCallback::accept);
    ActiveBuild build = activeBuilds.get(Wire.integer(request, "key"));
    if (build != null) return build.handle(request);
    // A build we no longer track (its caller gave up): answer so esbuild does not wait forever.
    return "on-start".equals(request.get("command")) ? Map.of("errors", List.of(), "warnings", List.of()) : Map.of();
  }

  private static BuildResult toResult(Map<String, Object> response) {
    if (response.get("error") instanceof String error) {
      throw new EsbuildException(ErrorCode.BAD_REQUEST, "esbuild refused the build: " + error);
    }
    List<OutputFile> files = new ArrayList<>();
    for (Object item : Wire.list(response, "outputFiles")) {
      if (item instanceof Map<?, ?> file) {
        byte[] contents = file.get("contents") instanceof byte[] b ? b : new byte[0];
        files.add(new OutputFile(Path.of(Wire.string(file, "path")), contents, Wire.string(file, "hash")));
      }
    }
    // 0.27.4 turned the metafile from a string into bytes; Wire.string accepts both.
    String metafileJson = response.containsKey("metafile") ? Wire.string(response, "metafile") : null;
    return new BuildResult(
        Message.listFromWire(response.get("errors")),
        Message.listFromWire(response.get("warnings")),
        files,
        metafileJson);
  }
}
