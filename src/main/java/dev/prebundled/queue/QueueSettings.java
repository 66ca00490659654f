package dev.prebundled.queue;

import dev.prebundled.config.Settings;
import java.time.Duration;

/**
 * The queue's bounds: builds running at once, builds allowed to wait, and the time one build
 * attempt may take.
 */
public record QueueSettings(int concurrency, int capacity, Duration timeout) {
  public QueueSettings {
    if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1");
    if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1");
  }

  /**
   * Builds at once are {@code optimizeDeps.maxConcurrent} (1 when sequential), and never more
   * than the cores {@code optimizeDeps.cpuLimit} grants: a build's Java side (resolution, CommonJS
   * lexing) is CPU work too, and more workers than cores only adds contention.
   */
  public static QueueSettings from(Settings settings) {
    int concurrency = Math.min(settings.optimizeDeps().buildConcurrency(), settings.optimizeDeps().cores());
    return new QueueSettings(concurrency, settings.processLimits().queueSize(), settings.processLimits().timeout());
  }
}
