package dev.prebundled.daemon;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the installed folders of the packages the daemon serves, so a reinstall or a patch is
 * noticed within a moment instead of at the next {@code checkInterval}: any change runs {@code
 * onChange} (the sweep, which re-checks fingerprints). Each watched directory is one OS watch;
 * at most {@code maxWatches} are taken ({@code server.resourceManagement.maxWatches}), and
 * packages beyond the bound are left to the sweep's polling. Changes are coalesced: one run per
 * quiet period, however many files an install touches.
 */
final class PackageWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PackageWatcher.class);
  private static final long QUIET_MILLIS = 300;

  private final int maxWatches;
  private final Runnable onChange;
  private final WatchService service;
  private final Map<Path, WatchKey> watched = new HashMap<>();
  private final Thread thread;
  private boolean warnedFull;

  PackageWatcher(int maxWatches, Runnable onChange) throws IOException {
    this.maxWatches = maxWatches;
    this.onChange = onChange;
    this.service = FileSystems.getDefault().newWatchService();
    this.thread = new Thread(this::loop, "prebundled-watch");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
  }

  /** Watches every directory of these package roots not watched yet, while the bound allows. */
  synchronized void watch(Collection<Path> packageRoots) {
    for (Path root : packageRoots) {
      if (watched.size() >= maxWatches) {
        if (!warnedFull && maxWatches > 0) {
          log.info("server.resourceManagement.maxWatches ({}) reached: further packages are checked by the periodic sweep only", maxWatches);
          warnedFull = true;
        }
        return;
      }
      if (watched.containsKey(root) || !Files.isDirectory(root)) continue;
      try (Stream<Path> dirs = Files.walk(root)) {
        for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
          if (watched.size() >= maxWatches) break;
          if (!watched.containsKey(dir)) watched.put(dir, dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY));
        }
      } catch (IOException | RuntimeException e) {
        log.debug("cannot watch {}: {}", root, e.toString());
      }
    }
  }

  synchronized int watches() {
    return watched.size();
  }

  private void loop() {
    try {
      while (true) {
        WatchKey key = service.take();
        drain(key);
        // Wait for the change to settle (an install writes many files), then run once.
        WatchKey more;
        while ((more = service.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) != null) drain(more);
        try {
          onChange.run();
        } catch (RuntimeException e) {
          log.warn("handling a package change failed: {}", e.toString());
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  private void drain(WatchKey key) {
    key.pollEvents();
    if (!key.reset()) {
      synchronized (this) {
        watched.values().remove(key); // its directory is gone; a reinstall is watched again at the next sync
      }
    }
  }

  @Override
  public void close() throws IOException {
    thread.interrupt();
    service.close();
  }
}
