package dev.prebundled.cache;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local disk tier: {@code <cacheDir>/v1/<name>@<version>/<keyHash>/} holds a unit's files and
 * its {@code manifest.json}. A commit writes into {@code v1/.tmp/<random>/} on the same filesystem,
 * fsyncs every file, writes the manifest last, fsyncs the directory and renames it into place, so
 * a reader (or a restart after a crash) sees a complete unit or none; a crash leaves only {@code
 * .tmp} and {@code .trash} content, which {@link #sweepTemporary()} removes. Every name is checked
 * before it becomes a path, so nothing can be read or written outside the cache directory.
 *
 * <p>Files of one commit are written one after another (the daemon has a single writer thread and
 * fsync dominates anyway), so one commit holds at most one file open. The {@code maxOpenFiles}
 * semaphore bounds the files open at once across every commit and verification running on this
 * store at the same time.
 */
public final class DiskCacheStore implements CacheStore {
  /** The layout folder; a new layout gets a new folder, so old caches are never misread. */
  public static final String LAYOUT = "v1";

  private static final Logger LOG = LoggerFactory.getLogger(DiskCacheStore.class);
  private static final String TEMPORARY = ".tmp";
  private static final String TRASH = ".trash";
  private static final long MAX_MANIFEST_BYTES = 64L << 20;
  private static final int INSTALL_ATTEMPTS = 5;

  private final Path root;
  private final Path layoutDir;
  private final Path temporaryDir;
  private final Path trashDir;
  private final Semaphore openFiles;
  private final Clock clock;
  private final ManifestCodec codec = new ManifestCodec();
  // Temp dirs of commits running now, which a concurrent sweep must leave alone.
  private final Set<Path> inFlight = ConcurrentHashMap.newKeySet();

  public DiskCacheStore(Path cacheDir, int maxOpenFiles, Clock clock) {
    if (maxOpenFiles < 1) throw new IllegalArgumentException("maxOpenFiles must be at least 1, was " + maxOpenFiles);
    this.root = cacheDir.toAbsolutePath().normalize();
    this.layoutDir = root.resolve(LAYOUT);
    this.temporaryDir = layoutDir.resolve(TEMPORARY);
    this.trashDir = layoutDir.resolve(TRASH);
    this.openFiles = new Semaphore(maxOpenFiles);
    this.clock = clock;
    try {
      Files.createDirectories(temporaryDir);
      Files.createDirectories(trashDir);
    } catch (IOException e) {
      throw new PrebundledException(ErrorCode.INTERNAL, "cannot create the cache directory " + layoutDir + ": " + e, e);
    }
  }

  public DiskCacheStore(Path cacheDir, int maxOpenFiles) {
    this(cacheDir, maxOpenFiles, Clock.systemUTC());
  }

  @Override
  public Path root() {
    return root;
  }

  /** Where the unit for {@code key} lives (whether or not it exists). */
  public Path dirOf(CacheKey key) {
    Path dir = layoutDir.resolve(key.packageDir()).resolve(key.hash()).normalize();
    // CacheKey already refused unsafe names; this is the last line should that check ever regress.
    if (!dir.startsWith(layoutDir) || dir.getNameCount() != layoutDir.getNameCount() + key.name().split("/").length + 1) {
      throw new PrebundledException(ErrorCode.BAD_REQUEST, "cache key " + key.packageDir() + " does not map inside the cache");
    }
    return dir;
  }

  @Override
  public Optional<CachedUnit> find(CacheKey key) {
    return read(dirOf(key)).filter(unit -> unit.key().equals(key));
  }

  @Override
  public CachedUnit commit(CacheKey key, UnitContents contents) {
    Path target = dirOf(key);
    Path temp = temporaryDir.resolve(UUID.randomUUID().toString());
    inFlight.add(temp);
    try {
      Files.createDirectories(temp);
      List<ManifestFile> files = new ArrayList<>();
      for (ContentFile file : contents.files()) {
        writeDurably(temp.resolve(file.name()), file.contents());
        files.add(new ManifestFile(file.name(), Sha256.hex(file.contents()), file.contents().length));
      }
      Manifest manifest = new Manifest(
          Manifest.SCHEMA, key, key.hash(), contents.entries(), files, contents.externals(), clock.millis(),
          contents.buildMs(), contents.warnings());
      // Last: a directory with a manifest is complete, whatever happens after this line.
      writeDurably(temp.resolve(CacheNames.MANIFEST), codec.write(manifest));
      fsyncDirectory(temp);
      Files.createDirectories(target.getParent());
      return install(key, temp, target, manifest);
    } catch (IOException e) {
      throw new PrebundledException(
          ErrorCode.INTERNAL, "cannot commit " + key.packageDir() + " to the cache at " + target + ": " + e, key.name(), null, e);
    } finally {
      inFlight.remove(temp);
      if (Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) deleteTree(temp);
    }
  }

  // Renames the complete temp dir into place. An existing unit that verifies wins (a concurrent or
  // earlier commit of the same key); anything else there (corrupt, partial, another key) is moved aside.
  private CachedUnit install(CacheKey key, Path temp, Path target, Manifest manifest) throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < INSTALL_ATTEMPTS; attempt++) {
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(target.getParent());
        return new CachedUnit(key, target, manifest);
      } catch (IOException e) {
        // rename(2) onto a non-empty directory fails; the exception type varies by platform, so look.
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw e;
        last = e;
      }
      Optional<CachedUnit> existing = read(target).filter(unit -> unit.key().equals(key));
      if (existing.isPresent()) {
        IntegrityReport report = verify(existing.get());
        if (report.ok()) return existing.get();
        LOG.warn("replacing corrupt cache unit {}: {}", target, report.problems());
      } else {
        LOG.warn("replacing incomplete or foreign cache directory {}", target);
      }
      moveToTrash(target);
    }
    throw new IOException("could not install " + target + " after " + INSTALL_ATTEMPTS + " attempts", last);
  }

  @Override
  public IntegrityReport verify(CachedUnit unit) {
    List<String> problems = new ArrayList<>();
    // The manifest on disk must still be the one the unit was read with, or the unit was replaced or damaged.
    Optional<CachedUnit> current = read(unit.dir());
    if (current.isEmpty() || !current.get().manifest().equals(unit.manifest())) {
      problems.add(CacheNames.MANIFEST + ": missing, unreadable or changed");
    }
    for (ManifestFile file : unit.manifest().files()) {
      checkFile(unit.dir().resolve(file.name()), file).ifPresent(problems::add);
    }
    return IntegrityReport.of(problems);
  }

  private Optional<String> checkFile(Path path, ManifestFile expected) {
    openFiles.acquireUninterruptibly();
    // NOFOLLOW_LINKS: a symlink planted in the cache must not make us serve a file from elsewhere.
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = channel.size();
      if (size != expected.size()) {
        return Optional.of(expected.name() + ": size " + size + ", manifest says " + expected.size());
      }
      MessageDigest digest = Sha256.digest();
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        digest.update(buffer);
        buffer.clear();
      }
      if (!HexFormat.of().formatHex(digest.digest()).equals(expected.sha256())) {
        return Optional.of(expected.name() + ": sha256 mismatch");
      }
      return Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.of(expected.name() + ": missing");
    } catch (IOException e) {
      return Optional.of(expected.name() + ": unreadable (" + e.getMessage() + ")");
    } finally {
      openFiles.release();
    }
  }

  @Override
  public void drop(CachedUnit unit, String reason) {
    Optional<CachedUnit> current = read(unit.dir());
    // Only the unit we were shown: a newer commit of the same key may have replaced it meanwhile.
    if (current.isPresent() && !current.get().manifest().equals(unit.manifest())) return;
    if (!Files.exists(unit.dir(), LinkOption.NOFOLLOW_LINKS)) return;
    LOG.info("dropping cache unit {} ({}): {}", unit.key().packageDir(), unit.dir().getFileName(), reason);
    try {
      moveToTrash(unit.dir());
    } catch (IOException e) {
      throw new PrebundledException(ErrorCode.INTERNAL, "cannot drop cache unit " + unit.dir() + ": " + e, e);
    }
  }

  @Override
  public int removeIf(Predicate<Manifest> filter) {
    int removed = 0;
    for (CachedUnit unit : list()) {
      if (filter.test(unit.manifest())) {
        drop(unit, "invalidated");
        removed++;
      }
    }
    return removed;
  }

  @Override
  public List<CachedUnit> list() {
    List<CachedUnit> units = new ArrayList<>();
    for (Path top : children(layoutDir)) {
      String name = top.getFileName().toString();
      if (name.startsWith(".") || !Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) continue;
      // A scope folder (@scope) holds package folders; anything else is a package folder itself.
      List<Path> packageDirs = name.startsWith("@") && name.indexOf('@', 1) < 0 ? children(top) : List.of(top);
      for (Path packageDir : packageDirs) {
        for (Path unitDir : children(packageDir)) read(unitDir).ifPresent(units::add);
      }
    }
    units.sort(Comparator.comparing(CachedUnit::dir));
    return units;
  }

  @Override
  public int sweepTemporary() {
    int removed = 0;
    for (Path leftover : children(temporaryDir)) {
      if (inFlight.contains(leftover)) continue;
      deleteTree(leftover);
      removed++;
    }
    for (Path leftover : children(trashDir)) {
      deleteTree(leftover);
      removed++;
    }
    return removed;
  }

  /** The unit in {@code dir}, if it holds a manifest of our schema whose key maps to exactly this directory. */
  private Optional<CachedUnit> read(Path dir) {
    Path manifestPath = dir.resolve(CacheNames.MANIFEST);
    byte[] bytes;
    try {
      BasicFileAttributes attributes = Files.readAttributes(manifestPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile() || attributes.size() > MAX_MANIFEST_BYTES) return Optional.empty();
      bytes = Files.readAllBytes(manifestPath);
    } catch (IOException e) {
      return Optional.empty();
    }
    return codec.read(bytes)
        .filter(manifest -> manifest.keyHash().equals(manifest.key().hash()))
        .filter(manifest -> dirOf(manifest.key()).equals(dir))
        .map(manifest -> new CachedUnit(manifest.key(), dir, manifest));
  }

  private void writeDurably(Path path, byte[] bytes) throws IOException {
    openFiles.acquireUninterruptibly();
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) channel.write(buffer);
      channel.force(true);
    } finally {
      openFiles.release();
    }
  }

  // Makes a rename or a new directory entry durable. Some platforms cannot open a directory; the
  // rename is still atomic there, only its durability across a power cut is weaker.
  private void fsyncDirectory(Path dir) {
    openFiles.acquireUninterruptibly();
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
    } finally {
      openFiles.release();
    }
  }

  // Renaming first makes removal atomic for readers; the slow recursive delete happens out of sight.
  private void moveToTrash(Path dir) throws IOException {
    Path trash = trashDir.resolve(UUID.randomUUID().toString());
    try {
      Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return;
    }
    deleteTree(trash);
  }

  private static List<Path> children(Path dir) {
    try (Stream<Path> stream = Files.list(dir)) {
      return stream.sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Best effort: what cannot be deleted now stays in .tmp/.trash for the next sweep. */
  private static void deleteTree(Path dir) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
          throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
          Files.deleteIfExists(directory);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException e) {
      // Already gone: another sweep or drop got there first.
    } catch (IOException e) {
      LOG.warn("cannot delete {} (will retry at the next sweep): {}", dir, e.toString());
    }
  }
}
