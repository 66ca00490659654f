package dev.prebundled.queue;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's build queue: bounded, coalescing, prioritized, with one writer.
 *
 * <ul>
 *   <li>Identical requests (same key) while a build is queued or running share that build's
 *       future; a foreground request lifts a queued background build to the front.
 *   <li>At most {@code concurrency} builds run at once; at most {@code capacity} wait, and a
 *       request beyond that fails at once with the transient {@code QUEUE_FULL}.
 *   <li>Each attempt has a time limit ({@code ETIMEDOUT}); the {@link Retry} decides, by error
 *       class, whether to try again after a backoff.
 *   <li>Every commit runs on one writer thread, so the cache has a single writer.
 * </ul>
 *
 * @param <K> the coalescing key (a cache key)
 */
public final class BuildQueue<K> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BuildQueue.class);

  private final QueueSettings settings;
  private final Retry retry;
  private final PriorityBlockingQueue<Task<?, ?>> waiting = new PriorityBlockingQueue<>();
  private final Map<K, Task<?, ?>> byKey = new ConcurrentHashMap<>();
  private final AtomicInteger waitingCount = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  private final List<Thread> workers = new ArrayList<>();
  private final ThreadPoolExecutor attempts;
  private final Faults faults;
  private final ExecutorService writer;
  private final Counter rejected;
  private final Counter recovered;
  private final Counter failed;
  private final Timer buildTime;
  private volatile boolean closed;

  public BuildQueue(QueueSettings settings, Retry retry, MeterRegistry meters) {
    this(settings, retry, meters, Faults.none());
  }

  /** A queue whose attempts pass through {@code faults} first (tests only; {@link Faults#none()} otherwise). */
  public BuildQueue(QueueSettings settings, Retry retry, MeterRegistry meters, Faults faults) {
    this.settings = settings;
    this.retry = retry;
    this.faults = faults;
    AtomicInteger attemptThreads = new AtomicInteger();
    // Idle attempt threads go away after a few seconds, so an attempt abandoned at its time
    // limit cannot pile up threads; at most one attempt per worker runs at any moment.
    this.attempts = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
        r -> daemon(r, "prebundled-build-" + attemptThreads.incrementAndGet()));
    this.writer = Executors.newSingleThreadExecutor(r -> daemon(r, "prebundled-writer"));
    this.rejected = Counter.builder("prebundled.queue.rejected").description("Requests refused with QUEUE_FULL").register(meters);
    this.recovered = Counter.builder("prebundled.builds.recovered").description("Builds that succeeded after a retry").register(meters);
    this.failed = Counter.builder("prebundled.builds.failed").description("Builds that failed after all attempts").register(meters);
    this.buildTime = Timer.builder("prebundled.build.time").description("Time of a build, retries included")
        .publishPercentiles(0.5, 0.95, 0.99).register(meters);
    Gauge.builder("prebundled.queue.waiting", waitingCount, AtomicInteger::get).description("Builds waiting for a worker").register(meters);
    Gauge.builder("prebundled.queue.running", running, AtomicInteger::get).description("Builds running").register(meters);
    retry.getEventPublisher().onSuccess(event -> recovered.increment());
    for (int i = 0; i < settings.concurrency(); i++) {
      Thread worker = daemon(this::work, "prebundled-worker-" + (i + 1));
      workers.add(worker);
      worker.start();
    }
  }

  /**
   * Queues a build, or joins the one already queued or running for the same key. The future fails
   * with {@code QUEUE_FULL} at once when the queue is full.
   */
  @SuppressWarnings("unchecked")
  public <B, R> CompletableFuture<R> submit(K key, Priority priority, BuildJob<B, R> job) {
    if (closed) return CompletableFuture.failedFuture(new PrebundledException(ErrorCode.ECONNRESET, "the daemon is shutting down"));
    while (true) {
      Task<?, ?> existing = byKey.get(key);
      if (existing != null) {
        if (priority == Priority.FOREGROUND && existing.priority == Priority.BACKGROUND && waiting.remove(existing)) {
          existing.priority = Priority.FOREGROUND;
          waiting.add(existing);
        }
        return (CompletableFuture<R>) existing.result.copy();
      }
      if (waitingCount.incrementAndGet() > settings.capacity()) {
        waitingCount.decrementAndGet();
        rejected.increment();
        return CompletableFuture.failedFuture(new PrebundledException(ErrorCode.QUEUE_FULL,
            "the build queue is full (" + settings.capacity() + " waiting, server.processLimits.queueSize); try again shortly",
            null, null, null));
      }
      Task<B, R> task = new Task<>(key, job, priority, sequence.incrementAndGet());
      if (byKey.putIfAbsent(key, task) != null) {
        waitingCount.decrementAndGet();
        continue; // lost a race with an identical request: join it
      }
      task.result.whenComplete((r, e) -> byKey.remove(key, task));
      waiting.add(task);
      return task.result.copy();
    }
  }

  public int waiting() {
    return waitingCount.get();
  }

  public int running() {
    return running.get();
  }

  /**
   * Attempts whose thread is still busy: equal to the builds running unless an attempt abandoned
   * at its time limit ignored its cancellation (a leak this number makes visible).
   */
  public int attemptsInFlight() {
    return attempts.getActiveCount();
  }

  private void work() {
    while (!closed) {
      Task<?, ?> task;
      try {
        task = waiting.take();
      } catch (InterruptedException e) {
        return;
      }
      waitingCount.decrementAndGet();
      running.incrementAndGet();
      try {
        run(task);
      } finally {
        running.decrementAndGet();
      }
    }
  }

  private <B, R> void run(Task<B, R> task) {
    Optional<R> done;
    try {
      done = task.job.alreadyCommitted();
    } catch (RuntimeException e) {
      done = Optional.empty(); // building is the safe answer when the check itself fails
    }
    if (done.isPresent()) {
      task.result.complete(done.get());
      return;
    }
    long started = System.nanoTime();
    B built;
    try {
      AtomicInteger attempt = new AtomicInteger();
      built = retry.executeCheckedSupplier(() -> attempt(task.job, attempt.incrementAndGet()));
    } catch (Throwable error) {
      failed.increment();
      buildTime.record(Duration.ofNanos(System.nanoTime() - started));
      log.warn("build of {} failed: {}", task.job.describe(), RetryPolicy.unwrap(error).getMessage());
      task.result.completeExceptionally(RetryPolicy.unwrap(error));
      return;
    }
    buildTime.record(Duration.ofNanos(System.nanoTime() - started));
    try {
      R committed = writer.submit(() -> task.job.commit(built)).get();
      task.result.complete(committed);
    } catch (ExecutionException e) {
      task.result.completeExceptionally(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      task.result.completeExceptionally(new PrebundledException(ErrorCode.ECONNRESET, "interrupted while committing " + task.job.describe()));
    } catch (RuntimeException e) {
      task.result.completeExceptionally(e);
    }
  }

  /** One attempt, bounded by the time limit; a stalled attempt is interrupted and abandoned. */
  private <B> B attempt(BuildJob<B, ?> job, int number) throws Exception {
    Future<B> attempt = attempts.submit(() -> {
      faults.beforeAttempt(job.describe(), number);
      return job.build();
    });
    try {
      return attempt.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      attempt.cancel(true);
      throw new PrebundledException(ErrorCode.ETIMEDOUT,
          "building " + job.describe() + " took longer than " + settings.timeout().toMillis() + " ms (server.processLimits.timeout)");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : new IllegalStateException(e.getCause());
    }
  }

  /** Stops taking work, lets running builds finish their commits, then stops the threads. */
  @Override
  public void close() {
    closed = true;
    workers.forEach(Thread::interrupt);
    for (Task<?, ?> task : waiting) {
      task.result.completeExceptionally(new PrebundledException(ErrorCode.ECONNRESET, "the daemon is shutting down"));
    }
    waiting.clear();
    writer.shutdown();
    attempts.shutdownNow();
    try {
      writer.awaitTermination(30, TimeUnit.SECONDS);
      for (Thread worker : workers) worker.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static final class Task<B, R> implements Comparable<Task<?, ?>> {
    final Object key;
    final BuildJob<B, R> job;
    final long sequence;
    final CompletableFuture<R> result = new CompletableFuture<>();
    volatile Priority priority;

    Task(Object key, BuildJob<B, R> job, Priority priority, long sequence) {
      this.key = key;
      this.job = job;
      this.priority = priority;
      this.sequence = sequence;
    }

    @Override
    public int compareTo(Task<?, ?> other) {
      int byPriority = priority.compareTo(other.priority);
      return byPriority != 0 ? byPriority : Long.compare(sequence, other.sequence);
    }
  }
}
