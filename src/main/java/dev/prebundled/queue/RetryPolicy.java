package dev.prebundled.queue;

import dev.prebundled.config.Settings;
import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * The retry around every build, from {@code retryStrategy} and {@code errorHandling}: exponential
 * backoff from {@code baseDelay}, doubling, capped at {@code maxDelay}, randomized by {@code
 * jitterFactor} when {@code jitter} is on; only errors whose code is transient are retried, a
 * permanent one fails at the first attempt.
 */
public final class RetryPolicy {
  private RetryPolicy() {}

  public static Retry create(String name, Settings.RetryStrategy strategy, Settings.ErrorHandling errors) {
    long base = Math.max(1, strategy.baseDelay().toMillis());
    long max = Math.max(base, strategy.maxDelay().toMillis());
    IntervalFunction backoff = strategy.jitter() && strategy.jitterFactor() > 0
        ? IntervalFunction.ofExponentialRandomBackoff(base, 2.0, strategy.jitterFactor(), max)
        : IntervalFunction.ofExponentialBackoff(base, 2.0, max);
    RetryConfig config = RetryConfig.custom()
        .maxAttempts(strategy.maxAttempts())
        .intervalFunction(backoff)
        .retryOnException(isTransient(errors))
        .build();
    return Retry.of(name, config);
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
