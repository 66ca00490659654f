package dev.prebundled.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The fingerprint part of a cache key: what identifies the installed bytes of a package. It is the
 * lockfile's {@code integrity} for the package when the project's lockfile (npm's hidden {@code
 * node_modules/.package-lock.json}, then {@code package-lock.json}) lists it with the version its
 * package.json has; otherwise a sha256 of package.json plus the sorted list of files (relative path
 * and size) under the package root, nested {@code node_modules} excluded. A reinstall changes the
 * integrity, a patch changes the file list or package.json, and either changes the fingerprint.
 *
 * <p>Results are cached by package root, package.json's mtime and size, and the lockfiles' mtimes
 * and sizes, so asking again costs a few stats. A patch that keeps package.json can only be seen
 * by walking the files again, so fallback results are also re-checked after {@code fallbackRecheck}.
 * A patch in place under a lockfile that still lists the package is not seen (the integrity is what
 * npm says was installed); {@code patch-package} users should rely on the fallback.
 */
public final class Fingerprints {
  /** Prefix of fallback fingerprints, so they can never be mistaken for an integrity string. */
  public static final String FALLBACK_PREFIX = "files-sha256:";

  private static final Duration DEFAULT_FALLBACK_RECHECK = Duration.ofSeconds(2);
  private static final Duration FOREVER = Duration.ofDays(365L * 100);
  private static final List<String> LOCKFILES = List.of("node_modules/.package-lock.json", "package-lock.json");

  private record FileStamp(Path path, long modifiedNanos, long size) {}

  private record Key(Path packageRoot, Optional<Path> projectRoot, FileStamp packageJson, List<FileStamp> lockfiles) {}

  private record Result(String fingerprint, boolean fromLockfile) {}

  /** What a lockfile says about one installed package. */
  private record Locked(String version, String integrity) {}

  private final ObjectMapper json = new ObjectMapper();
  private final Cache<Key, Result> results;
  private final Cache<FileStamp, Map<String, Locked>> lockfiles;

  public Fingerprints(Duration fallbackRecheck, Ticker ticker) {
    this.results =
        Caffeine.newBuilder()
            .maximumSize(20_000)
            .ticker(ticker)
            .expireAfter(Expiry.<Key, Result>creating((key, result) -> result.fromLockfile() ? FOREVER : fallbackRecheck))
            .build();
    // A lockfile is parsed once per change, however many packages it lists.
    this.lockfiles = Caffeine.newBuilder().maximumSize(16).build();
  }

  public Fingerprints() {
    this(DEFAULT_FALLBACK_RECHECK, Ticker.systemTicker());
  }

  /** The fingerprint of the package installed at {@code packageRoot}, using {@code projectRoot}'s lockfile when it lists it. */
  public String of(Path packageRoot, Optional<Path> projectRoot) {
    Path root = packageRoot.toAbsolutePath().normalize();
    Optional<Path> project = projectRoot.map(p -> p.toAbsolutePath().normalize());
    FileStamp packageJson = stamp(root.resolve("package.json"))
        .orElseThrow(() -> new PrebundledException(ErrorCode.INVALID_PACKAGE, "no package.json in " + root + " to fingerprint"));
    List<FileStamp> locks = new ArrayList<>();
    project.ifPresent(p -> LOCKFILES.forEach(name -> stamp(p.resolve(name)).ifPresent(locks::add)));
    return results.get(new Key(root, project, packageJson, List.copyOf(locks)), this::compute).fingerprint();
  }

  private Result compute(Key key) {
    if (key.projectRoot().isPresent() && key.packageRoot().startsWith(key.projectRoot().get())) {
      // The lockfile names a package by its folder relative to the project: node_modules/a or node_modules/b/node_modules/a.
      String location = key.projectRoot().get().relativize(key.packageRoot()).toString().replace('\\', '/');
      for (FileStamp lock : key.lockfiles()) {
        Locked locked = lockfiles.get(lock, this::parseLockfile).get(location);
        if (locked != null && locked.integrity() != null && versionMatches(locked, key.packageRoot())) {
          return new Result(locked.integrity(), true);
        }
      }
    }
    return new Result(fallback(key.packageRoot()), false);
  }

  // A package replaced by hand (or a stale hidden lockfile) no longer matches its lockfile entry.
  private boolean versionMatches(Locked locked, Path packageRoot) {
    if (locked.version() == null) return true;
    try {
      JsonNode manifest = json.readTree(packageRoot.resolve("package.json").toFile());
      return locked.version().equals(manifest.path("version").asText(null));
    } catch (IOException e) {
      return false;
    }
  }

  private Map<String, Locked> parseLockfile(FileStamp lock) {
    try {
      JsonNode packages = json.readTree(lock.path().toFile()).path("packages");
      Map<String, Locked> byLocation = new HashMap<>();
      for (Map.Entry<String, JsonNode> entry : packages.properties()) {
        byLocation.put(entry.getKey(), new Locked(
            entry.getValue().path("version").asText(null), entry.getValue().path("integrity").asText(null)));
      }
      return Map.copyOf(byLocation);
    } catch (IOException | RuntimeException e) {
      // An unreadable lockfile only costs us the shortcut; the fallback still fingerprints correctly.
      return Map.of();
    }
  }

  private static String fallback(Path root) {
    try {
      MessageDigest digest = Sha256.digest();
      byte[] packageJson = Files.readAllBytes(root.resolve("package.json"));
      digest.update(("package.json:" + packageJson.length + "\n").getBytes(StandardCharsets.UTF_8));
      digest.update(packageJson);
      List<String> files = new ArrayList<>();
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
          // Nested node_modules are other packages with fingerprints of their own.
          boolean nested = !dir.equals(root) && dir.getFileName().toString().equals("node_modules");
          return nested ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          String relative = root.relativize(file).toString().replace('\\', '/');
          files.add(relative + "\0" + (attributes.isSymbolicLink() ? "link" : Long.toString(attributes.size())));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
          throw e;
        }
      });
      Collections.sort(files);
      digest.update(("files:" + files.size() + "\n").getBytes(StandardCharsets.UTF_8));
      for (String file : files) digest.update((file + "\n").getBytes(StandardCharsets.UTF_8));
      return FALLBACK_PREFIX + Sha256.hex(digest);
    } catch (IOException e) {
      throw new PrebundledException(ErrorCode.INVALID_PACKAGE, "cannot fingerprint the package at " + root + ": " + e, e);
    }
  }

  private static Optional<FileStamp> stamp(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) return Optional.empty();
      return Optional.of(new FileStamp(file, attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS), attributes.size()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
