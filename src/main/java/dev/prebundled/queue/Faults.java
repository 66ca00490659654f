package dev.prebundled.queue;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection for tests, off unless the system property {@value #PROPERTY} names rules (or a
 * test builds an instance with {@link #parse}). It exists because some failures cannot be caused
 * for real on demand: a build failing with a chosen code, a build that stalls, the esbuild child
 * dying in the middle of a build. Each rule applies to the first {@code n} attempts of every build:
 *
 * <ul>
 *   <li>{@code fail:<CODE>:<n>}: the attempt fails with that error code before it builds;
 *   <li>{@code stall:<n>[:<file>]}: the attempt blocks until it is interrupted (the time limit
 *       cancels it) or, when a file is given, until that file exists;
 *   <li>{@code kill:<n>}: the esbuild child gets SIGKILL at the attempt's first plugin callback,
 *       that is while esbuild is certainly in the middle of the build.
 * </ul>
 *
 * Rules are separated by commas, e.g. {@code fail:EBUSY:2,kill:1}.
 */
public final class Faults {
  public static final String PROPERTY = "prebundled.faults";
  private static final int MAX_ATTEMPTS_KEPT = 10_000;
  private static final Logger log = LoggerFactory.getLogger(Faults.class);

  /** One rule of the spec. */
  public record Rule(Kind kind, int attempts, Optional<ErrorCode> code, Optional<Path> releaseFile) {}

  /** What a rule does to an attempt. */
  public enum Kind { FAIL, STALL, KILL }

  /** One attempt that passed through the hook: which build, which attempt (1-based), when it started. */
  public record Attempt(String job, int number, long startedNanos) {}

  /** What was injected so far, and how many attempts are stalled right now. */
  public record Snapshot(boolean enabled, long failures, long stalls, int stalledNow, long kills) {}

  private final List<Rule> rules;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong stalls = new AtomicLong();
  private final AtomicLong kills = new AtomicLong();
  private final AtomicInteger killsArmed = new AtomicInteger();
  private final Set<Thread> stalled = ConcurrentHashMap.newKeySet();
  private final Deque<Attempt> attempts = new ConcurrentLinkedDeque<>();

  private Faults(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** No faults: what every real run uses. */
  public static Faults none() {
    return new Faults(List.of());
  }

  /** The rules of {@value #PROPERTY}, or none when it is unset. */
  public static Faults fromSystemProperty() {
    String spec = System.getProperty(PROPERTY, "");
    Faults faults = parse(spec);
    if (faults.enabled()) log.warn("fault injection is ON ({}={}); this is for tests only", PROPERTY, spec);
    return faults;
  }

  /** Parses a spec; a malformed one is refused rather than half applied. */
  public static Faults parse(String spec) {
    List<Rule> rules = new ArrayList<>();
    for (String part : spec.split(",")) {
      if (part.isBlank()) continue;
      String[] f = part.strip().split(":", 3);
      try {
        Kind kind = Kind.valueOf(f[0].toUpperCase(Locale.ROOT));
        rules.add(switch (kind) {
          case FAIL -> new Rule(kind, Integer.parseInt(f[2]), Optional.of(ErrorCode.valueOf(f[1])), Optional.empty());
          case STALL -> new Rule(kind, Integer.parseInt(f[1]), Optional.empty(), f.length > 2 ? Optional.of(Path.of(f[2])) : Optional.empty());
          case KILL -> new Rule(kind, Integer.parseInt(f[1]), Optional.empty(), Optional.empty());
        });
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(PROPERTY + ": cannot read rule \"" + part
            + "\"; expected fail:<CODE>:<n>, stall:<n>[:<file>] or kill:<n>", e);
      }
    }
    return new Faults(rules);
  }

  public boolean enabled() {
    return !rules.isEmpty();
  }

  /**
   * Called by the queue at the start of attempt {@code attempt} (1-based) of a build, on the
   * thread that runs it. May throw the chosen error, block, or arm a kill of the esbuild child.
   */
  public void beforeAttempt(String job, int attempt) {
    if (!enabled()) return;
    attempts.addLast(new Attempt(job, attempt, System.nanoTime()));
    while (attempts.size() > MAX_ATTEMPTS_KEPT) attempts.pollFirst();
    for (Rule rule : rules) {
      if (attempt > rule.attempts()) continue;
      switch (rule.kind()) {
        case KILL -> killsArmed.incrementAndGet();
        case STALL -> stall(job, attempt, rule.releaseFile());
        case FAIL -> {
          failures.incrementAndGet();
          throw new PrebundledException(rule.code().orElseThrow(),
              "injected fault: attempt " + attempt + " of " + job + " fails with " + rule.code().get(), job, null, null);
        }
      }
    }
  }

  /**
   * Called by the esbuild service when a build's plugin callback arrives from the child {@code
   * pid}: the build is in flight, so a kill now is a crash in the middle of a build.
   */
  public void onPluginCallback(long pid) {
    int armed;
    do {
      armed = killsArmed.get();
      if (armed <= 0) return;
    } while (!killsArmed.compareAndSet(armed, armed - 1));
    // destroyForcibly is SIGKILL on Linux and macOS: the same as kill -9, nothing to clean up.
    ProcessHandle.of(pid).ifPresent(child -> {
      log.warn("injected fault: killing esbuild (pid {}) with SIGKILL in the middle of a build", pid);
      kills.incrementAndGet();
      child.destroyForcibly();
      child.onExit().join();
    });
  }

  /** The attempts seen, oldest first (the last {@value #MAX_ATTEMPTS_KEPT}); tests measure backoff delays with them. */
  public List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  public Snapshot snapshot() {
    stalled.removeIf(thread -> !thread.isAlive());
    return new Snapshot(enabled(), failures.get(), stalls.get(), stalled.size(), kills.get());
  }

  private void stall(String job, int attempt, Optional<Path> releaseFile) {
    if (releaseFile.isPresent() && Files.exists(releaseFile.get())) return;
    stalls.incrementAndGet();
    stalled.add(Thread.currentThread());
    log.info("injected fault: attempt {} of {} stalls", attempt, job);
    try {
      while (releaseFile.isEmpty() || !Files.exists(releaseFile.get())) Thread.sleep(20);
    } catch (InterruptedException e) {
      // Cancelled by the time limit: leave at once, as real cancellable work would.
      Thread.currentThread().interrupt();
      throw new PrebundledException(ErrorCode.ETIMEDOUT, "stalled attempt " + attempt + " of " + job + " was cancelled");
    } finally {
      stalled.remove(Thread.currentThread());
    }
  }
}
