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

  public static QueueSettings from(Settings settings) {
    return new QueueSettings(settings.optimizeDeps().buildConcurrency(), settings.processLimits().queueSize(),
        settings.processLimits().timeout());
  }
}
