package dev.prebundled.queue;

import dev.prebundled.config.Settings;
import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The retry around every build, from {@code retryStrategy} and {@code errorHandling}: exponential
 * backoff from {@code baseDelay}, doubling, capped at {@code maxDelay}, randomized by up to {@code
 * jitterFactor} either way when {@code jitter} is on (and capped again, so no wait ever exceeds
 * {@code maxDelay}); only errors whose code is transient are retried, a permanent one fails at the
 * first attempt.
 */
public final class RetryPolicy {
  private RetryPolicy() {}

  /** The range a retry's wait falls in, in milliseconds. */
  public record Range(long min, long max) {
    public boolean contains(long millis) {
      return millis >= min && millis <= max;
    }
  }

  public static Retry create(String name, Settings.RetryStrategy strategy, Settings.ErrorHandling errors) {
    RetryConfig config = RetryConfig.custom()
        .maxAttempts(strategy.maxAttempts())
        .intervalFunction(backoff(strategy))
        .retryOnException(isTransient(errors))
        .build();
    return Retry.of(name, config);
  }

  /** The wait before retry number {@code retry} (1 = the wait after the first failed attempt). */
  static IntervalFunction backoff(Settings.RetryStrategy strategy) {
    return retry -> {
      long nominal = nominal(strategy, retry);
      if (!strategy.jitter() || strategy.jitterFactor() == 0) return nominal;
      double spread = strategy.jitterFactor() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
      return Math.min(strategy.maxDelay().toMillis(), Math.max(0, Math.round(nominal * (1 + spread))));
    };
  }

  /** Where the wait before retry number {@code retry} may fall under this strategy. */
  public static Range range(Settings.RetryStrategy strategy, int retry) {
    long nominal = nominal(strategy, retry);
    if (!strategy.jitter()) return new Range(nominal, nominal);
    double f = strategy.jitterFactor();
    return new Range(Math.max(0, (long) Math.floor(nominal * (1 - f))),
        Math.min(strategy.maxDelay().toMillis(), (long) Math.ceil(nominal * (1 + f))));
  }

  private static long nominal(Settings.RetryStrategy strategy, int retry) {
    long base = strategy.baseDelay().toMillis();
    long max = Math.max(base, strategy.maxDelay().toMillis());
    double exponential = base * Math.pow(2, Math.max(0, retry - 1));
    return (long) Math.min(max, exponential);
  }

  /** Whether an exception is worth retrying under this configuration. */
  public static Predicate<Throwable> isTransient(Settings.ErrorHandling errors) {
    return error -> errors.isTransient(codeOf(error));
  }

  /** The code of any failure: unknown exceptions are INTERNAL (permanent). */
  public static ErrorCode codeOf(Throwable error) {
    Throwable cause = unwrap(error);
    return cause instanceof PrebundledException p ? p.code() : ErrorCode.INTERNAL;
  }

  public static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
