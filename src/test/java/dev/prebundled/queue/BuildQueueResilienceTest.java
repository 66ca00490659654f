package dev.prebundled.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.prebundled.config.Settings;
import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import dev.prebundled.esbuild.BuildOptions;
import dev.prebundled.esbuild.BuildResult;
import dev.prebundled.esbuild.EsbuildBinary;
import dev.prebundled.esbuild.EsbuildService;
import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retry, time limit and error classes of the build queue around real esbuild builds. Failures
 * with a chosen code and stalls cannot be caused for real on demand, so they come from the
 * {@link Faults} hook; the attempt that finally succeeds is always a real build by the real binary.
 */
class BuildQueueResilienceTest {
  private static final Settings.ErrorHandling DEFAULT_ERRORS = Settings.defaults().errorHandling();
  private static EsbuildService esbuild;

  @TempDir Path dir;

  @BeforeAll
  static void startEsbuild() {
    esbuild = EsbuildService.start(EsbuildBinary.locate(EsbuildBinary.Lookup.standard(Optional.empty(), Optional.empty())));
  }

  @AfterAll
  static void stopEsbuild() {
    esbuild.close();
  }

  /** A real esbuild bundle of a two-module package, counting how often it actually ran. */
  private final class EsbuildJob implements BuildJob<String, String> {
    final String name;
    final AtomicInteger builds = new AtomicInteger();

    EsbuildJob(String name) {
      this.name = name;
    }

    @Override
    public String build() throws IOException {
      builds.incrementAndGet();
      Path src = dir.resolve(name);
      Files.createDirectories(src);
      Files.writeString(src.resolve("math.js"), "export const double = (x) => x * 2;\n");
      Files.writeString(src.resolve("index.js"), "import { double } from './math.js';\nexport const answer = double(21);\n");
      BuildResult result = esbuild.buildAndWait(BuildOptions.builder().workingDir(src).entryPoint("index.js")
          .flags("--bundle", "--format=esm", "--log-level=silent", "--outdir=" + src.resolve("out")).build());
      assertThat(result.errors()).isEmpty();
      return result.outputFiles().get(0).text();
    }

    @Override
    public String commit(String built) {
      return built;
    }

    @Override
    public String describe() {
      return name;
    }
  }

  private static Settings.RetryStrategy strategy(int attempts, long baseMs, long maxMs, double jitterFactor) {
    return new Settings.RetryStrategy(attempts, Duration.ofMillis(baseMs), Duration.ofMillis(maxMs), jitterFactor > 0, jitterFactor);
  }

  private static double count(SimpleMeterRegistry meters, String name) {
    return meters.find(name).counter().count();
  }

  @Test
  void aTransientFaultTwiceRecoversOnTheThirdAttemptAfterJitteredExponentialDelays() {
    // ESBUILD_CRASHED on demand, before the build: the hook's job (a real crash is shown by the daemon test).
    Faults faults = Faults.parse("fail:ESBUILD_CRASHED:2");
    Settings.RetryStrategy strategy = strategy(3, 40, 1000, 0.5);
    Retry retry = RetryPolicy.create("build", strategy, DEFAULT_ERRORS);
    List<Long> computed = Collections.synchronizedList(new ArrayList<>());
    retry.getEventPublisher().onRetry(event -> computed.add(event.getWaitInterval().toMillis()));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    int builds = 25; // two retries each: 50 delay samples
    try (BuildQueue<String> queue = new BuildQueue<>(new QueueSettings(1, 100, Duration.ofSeconds(60)), retry, meters, faults)) {
      for (int i = 0; i < builds; i++) {
        EsbuildJob job = new EsbuildJob("unit-" + i);
        assertThat(queue.submit(job.name, Priority.FOREGROUND, job).join()).contains("x * 2").contains("answer");
        assertThat(job.builds).as("the real build ran once, on attempt 3").hasValue(1);
      }
    }
    Map<String, List<Faults.Attempt>> byJob = faults.attempts().stream().collect(Collectors.groupingBy(Faults.Attempt::job));
    assertThat(byJob).hasSize(builds).allSatisfy((job, attempts) ->
        assertThat(attempts).extracting(Faults.Attempt::number).containsExactly(1, 2, 3));
    assertThat(computed).hasSize(2 * builds);

    // Builds ran one after another, so the k-th retry event belongs to the k-th gap between attempts.
    List<long[]> samples = new ArrayList<>(); // {retry number, computed ms, measured ms}
    for (int i = 0; i < builds; i++) {
      List<Faults.Attempt> attempts = byJob.get("unit-" + i);
      for (int retryNumber = 1; retryNumber <= 2; retryNumber++) {
        long measuredMs = (attempts.get(retryNumber).startedNanos() - attempts.get(retryNumber - 1).startedNanos()) / 1_000_000;
        samples.add(new long[] {retryNumber, computed.get(2 * i + retryNumber - 1), measuredMs});
      }
    }
    long worstLateness = 0;
    for (long[] s : samples) {
      RetryPolicy.Range range = RetryPolicy.range(strategy, (int) s[0]);
      assertThat(range.contains(s[1])).as("retry %d waited %d ms, expected within %s", s[0], s[1], range).isTrue();
      // Never earlier than Resilience4j's interval (1 ms for clock rounding); later only by scheduling slack.
      assertThat(s[2]).as("measured delay of retry %d (computed %d ms)", s[0], s[1]).isBetween(s[1] - 1, s[1] + 500);
      worstLateness = Math.max(worstLateness, s[2] - s[1]);
    }
    for (int retryNumber = 1; retryNumber <= 2; retryNumber++) {
      int n = retryNumber;
      List<Long> waits = samples.stream().filter(s -> s[0] == n).map(s -> s[1]).toList();
      long nominal = 40L << (n - 1);
      // Jitter is real: the waits spread on both sides of the nominal delay, not one fixed value.
      assertThat(Set.copyOf(waits)).as("distinct waits of retry %d", n).hasSizeGreaterThan(5);
      assertThat(waits).anyMatch(w -> w < nominal).anyMatch(w -> w > nominal);
      System.out.printf("retry %d: nominal %d ms, jitter ±50%%, computed %s ms%n", n, nominal, waits);
    }
    System.out.printf("%d delay samples, measured minus computed at most %d ms%n", samples.size(), worstLateness);
    assertThat(count(meters, "prebundled.builds.recovered")).isEqualTo(builds);
    assertThat(count(meters, "prebundled.builds.failed")).isZero();
  }

  @Test
  void aPermanentFaultMakesExactlyOneAttemptAndFailsAtOnce() {
    // MODULE_NOT_FOUND on demand through the hook; a 5 s first backoff would show any retry.
    Faults faults = Faults.parse("fail:MODULE_NOT_FOUND:3");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Retry retry = RetryPolicy.create("build", strategy(3, 5000, 10000, 0.3), DEFAULT_ERRORS);
    EsbuildJob job = new EsbuildJob("missing");
    long started = System.nanoTime();
    try (BuildQueue<String> queue = new BuildQueue<>(new QueueSettings(1, 100, Duration.ofSeconds(60)), retry, meters, faults)) {
      Throwable error = catchThrowable(() -> queue.submit(job.name, Priority.FOREGROUND, job).join());
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(RetryPolicy.unwrap(error)).isInstanceOf(PrebundledException.class);
      assertThat(RetryPolicy.codeOf(error)).isEqualTo(ErrorCode.MODULE_NOT_FOUND);
      assertThat(elapsedMs).as("no backoff before the answer").isLessThan(5000);
      System.out.printf("permanent fault answered after %d ms%n", elapsedMs);
    }
    assertThat(faults.attempts()).hasSize(1);
    assertThat(job.builds).hasValue(0);
    assertThat(count(meters, "prebundled.builds.failed")).isEqualTo(1);
    assertThat(count(meters, "prebundled.builds.recovered")).isZero();
  }

  @Test
  void aCodeTheConfigurationDoesNotListAsTransientIsNotRetried() {
    // EBUSY is transient by default; a configuration that leaves it out must not retry it.
    Settings.ErrorHandling errors = new Settings.ErrorHandling(Set.of("ETIMEDOUT"), Set.of("MODULE_NOT_FOUND"));
    Faults faults = Faults.parse("fail:EBUSY:3");
    Retry retry = RetryPolicy.create("build", strategy(3, 10, 100, 0), errors);
    try (BuildQueue<String> queue = new BuildQueue<>(new QueueSettings(1, 10, Duration.ofSeconds(60)), retry, new SimpleMeterRegistry(), faults)) {
      EsbuildJob job = new EsbuildJob("busy");
      assertThat(RetryPolicy.codeOf(catchThrowable(() -> queue.submit(job.name, Priority.FOREGROUND, job).join()))).isEqualTo(ErrorCode.EBUSY);
    }
    assertThat(faults.attempts()).hasSize(1);
  }

  @Test
  void aStallPastTheTimeLimitFailsWithEtimedoutIsRetriedAndLeavesNoThreadOrProcessBehind() {
    Set<Long> processesBefore = esbuildProcesses();
    Settings.RetryStrategy strategy = strategy(3, 20, 100, 0);
    Duration timeout = Duration.ofMillis(400);

    // The first attempt of every build stalls (the hook): the limit cancels it, the retry builds for real.
    Faults once = Faults.parse("stall:1");
    try (BuildQueue<String> queue = new BuildQueue<>(new QueueSettings(2, 10, timeout),
        RetryPolicy.create("build", strategy, DEFAULT_ERRORS), new SimpleMeterRegistry(), once)) {
      for (int i = 0; i < 3; i++) {
        EsbuildJob job = new EsbuildJob("slow-" + i);
        assertThat(queue.submit(job.name, Priority.FOREGROUND, job).join()).contains("answer");
        assertThat(job.builds).hasValue(1);
      }
      assertThat(once.snapshot().stalls()).isEqualTo(3);
      assertNothingStalled(once, queue);
    }

    // Every attempt stalls: each is cancelled at the limit, and after maxAttempts the build fails with ETIMEDOUT.
    Faults always = Faults.parse("stall:3");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (BuildQueue<String> queue = new BuildQueue<>(new QueueSettings(2, 10, timeout),
        RetryPolicy.create("build", strategy, DEFAULT_ERRORS), meters, always)) {
      EsbuildJob job = new EsbuildJob("stuck");
      Throwable error = catchThrowable(() -> queue.submit(job.name, Priority.FOREGROUND, job).join());
      assertThat(RetryPolicy.codeOf(error)).isEqualTo(ErrorCode.ETIMEDOUT);
      assertThat(RetryPolicy.unwrap(error)).hasMessageContaining("server.processLimits.timeout");
      assertThat(always.attempts()).hasSize(3);
      assertThat(job.builds).hasValue(0);
      assertNothingStalled(always, queue);
    }
    assertThat(esbuildProcesses()).as("esbuild processes of this JVM").isEqualTo(processesBefore);
    // Closed queues leave none of their threads (workers, writer, attempt threads) alive.
    await("queue threads gone").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(queueThreads()).isEmpty());
    System.out.printf("queue threads left: %s; esbuild processes before %s, after %s%n", queueThreads(), processesBefore, esbuildProcesses());
  }

  private static void assertNothingStalled(Faults faults, BuildQueue<?> queue) {
    await("cancelled attempts have stopped").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(faults.snapshot().stalledNow()).isZero();
      assertThat(queue.attemptsInFlight()).isZero();
      assertThat(Thread.getAllStackTraces().values()).noneMatch(stack -> Arrays.stream(stack)
          .anyMatch(frame -> frame.getClassName().equals(Faults.class.getName()) && frame.getMethodName().equals("stall")));
    });
  }

  private static List<String> queueThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(name -> name.startsWith("prebundled-")).toList();
  }

  private static Set<Long> esbuildProcesses() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("esbuild")).orElse(false))
        .map(ProcessHandle::pid).collect(Collectors.toSet());
  }
}
