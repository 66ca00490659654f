package dev.prebundled.daemon;

import dev.prebundled.bundle.UnitRef;
import dev.prebundled.cache.CacheIndex;
import dev.prebundled.cache.Fingerprints;
import dev.prebundled.cache.SweepResult;
import dev.prebundled.config.Settings;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background check of {@code cacheInvalidation}: every {@code checkInterval} it re-computes
 * the fingerprint of every package the daemon's projects use and drops cached units built from
 * bytes no longer installed (a reinstall or a patch), then re-verifies every unit's files against
 * its manifest and drops corrupt ones. Each step has its own retry ({@code maxRetries} more tries,
 * {@code retryDelay} apart, for a busy file say), and the sweep runs on its own thread at the
 * lowest priority, so it never competes with builds a browser waits for. Installed packages are
 * also watched (up to {@code maxWatches} directories, see {@link PackageWatcher}): a change there
 * runs the sweep at once.
 */
final class CacheSweep implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CacheSweep.class);
  /** How often newly served packages are added to the watches. */
  private static final long WATCH_SYNC_MILLIS = 2000;

  /** What one sweep did. */
  record Outcome(int staleDropped, SweepResult integrity) {}

  private final CacheIndex cache;
  private final ProjectStore projects;
  private final Fingerprints fingerprints;
  private final Retry retry;
  private final ScheduledExecutorService thread;
  private final AtomicLong sweeps = new AtomicLong();
  private final AtomicLong staleDropped = new AtomicLong();
  private final PackageWatcher watcher;

  CacheSweep(Settings.CacheInvalidation settings, int maxWatches, CacheIndex cache, ProjectStore projects, Fingerprints fingerprints)
      throws IOException {
    this.cache = cache;
    this.projects = projects;
    this.fingerprints = fingerprints;
    this.retry = Retry.of("cache-sweep", RetryConfig.custom()
        .maxAttempts(settings.maxRetries() + 1)
        .waitDuration(settings.retryDelay())
        .retryOnException(e -> e instanceof RuntimeException)
        .build());
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "prebundled-sweep");
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      return t;
    });
    long every = settings.checkInterval().toMillis();
    thread.scheduleWithFixedDelay(this::runLogged, every, every, TimeUnit.MILLISECONDS);
    this.watcher = new PackageWatcher(maxWatches, () -> thread.execute(this::runLogged));
    thread.scheduleWithFixedDelay(this::watchServedPackages, 0, WATCH_SYNC_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Directories watched now. */
  int watches() {
    return watcher.watches();
  }

  private void watchServedPackages() {
    Set<Path> roots = new LinkedHashSet<>();
    forEachServedUnit((state, unit) -> roots.add(unit.root()));
    watcher.watch(roots);
  }

  /** Every unit some loaded project uses, with its project; a snapshot, taken under each project's lock. */
  private void forEachServedUnit(BiConsumer<ProjectState, UnitRef> action) {
    for (ProjectState state : projects.loaded()) {
      List<UnitRef> units;
      synchronized (state) {
        units = new ArrayList<>(state.units().keySet());
      }
      units.forEach(unit -> action.accept(state, unit));
    }
  }

  long sweeps() {
    return sweeps.get();
  }

  long staleDropped() {
    return staleDropped.get();
  }

  private void runLogged() {
    try {
      Outcome outcome = run();
      if (outcome.staleDropped() > 0 || !outcome.integrity().corrupt().isEmpty()) log.info("cache sweep: {}", outcome);
      else log.debug("cache sweep: {}", outcome);
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: report and wait for the next interval.
      log.warn("cache sweep failed after its retries: {}", e.toString());
    }
  }

  Outcome run() {
    int stale = retry.executeSupplier(this::dropStale);
    SweepResult integrity = retry.executeSupplier(cache::sweep);
    sweeps.incrementAndGet();
    staleDropped.addAndGet(stale);
    return new Outcome(stale, integrity);
  }

  // Only packages some project uses are judged: for those the daemon knows where they are
  // installed, and a unit whose fingerprint matches none of those installs can never be asked for.
  private int dropStale() {
    Map<String, Set<String>> current = new HashMap<>();
    forEachServedUnit((state, unit) -> {
      Set<String> installed = current.computeIfAbsent(unit.name() + "@" + unit.version(), k -> new HashSet<>());
      try {
        installed.add(fingerprints.of(unit.root(), Optional.of(state.project())));
      } catch (RuntimeException e) {
        log.debug("{} is no longer installed at {}: {}", unit.id(), unit.root(), e.getMessage());
      }
    });
    return cache.invalidate(manifest -> {
      Set<String> installed = current.get(manifest.key().name() + "@" + manifest.key().version());
      return installed != null && !installed.contains(manifest.key().fingerprint());
    });
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      watcher.close();
    } catch (IOException e) {
      log.debug("closing the package watcher: {}", e.toString());
    }
  }
}
