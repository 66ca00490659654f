package dev.prebundled.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The exclusive OS lock that makes a daemon the only one for its cache directory. The OS drops
 * it when the process dies, however it dies, so a crashed daemon never blocks the next one.
 */
final class DaemonLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DaemonLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock, or empty when another process holds it. */
  static Optional<DaemonLock> tryAcquire(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.tryLock();
      if (lock != null) return Optional.of(new DaemonLock(channel, lock));
    } catch (OverlappingFileLockException e) {
      // held by this very JVM (a test running two daemons in one process)
    }
    channel.close();
    return Optional.empty();
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
