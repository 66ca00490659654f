package dev.prebundled.cache;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A complete unit in the cache: its key, its directory and its manifest. Having one does not mean
 * its files were checked; {@link CacheIndex} verifies them before first serving it after a start.
 */
public record CachedUnit(CacheKey key, Path dir, Manifest manifest) {

  /** The path of one of the unit's files; names not in the manifest are refused, so nothing else is reachable. */
  public Path file(String name) {
    CacheNames.contentFileName(name);
    if (manifest.files().stream().noneMatch(f -> f.name().equals(name))) {
      throw new PrebundledException(ErrorCode.BAD_REQUEST, "unit " + key.packageDir() + " has no file " + name);
    }
    return dir.resolve(name);
  }

  /** The file that is an entry's module, if the unit has that entry. */
  public Optional<Path> entryFile(String entry) {
    return Optional.ofNullable(manifest.entries().get(entry)).map(e -> dir.resolve(e.file()));
  }

  /** How long ago it was built; never negative, so a clock stepping back does not make an entry "fresher than new". */
  public Duration age(Clock clock) {
    Duration age = Duration.between(Instant.ofEpochMilli(manifest.builtAtEpochMillis()), clock.instant());
    return age.isNegative() ? Duration.ZERO : age;
  }
}
