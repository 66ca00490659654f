package dev.prebundled.cache;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where committed units live. The one seam between the cache's policy ({@link CacheIndex}) and its
 * storage, so a shared remote tier (content-addressed, verified on read) can sit beside or behind
 * the local disk without touching the bundler. Implementations only ever expose complete units.
 */
public interface CacheStore {

  /** The unit committed for exactly this key, if a complete one with a readable manifest exists. Files are not checked. */
  Optional<CachedUnit> find(CacheKey key);

  /**
   * Stores a unit atomically and returns it. If a valid unit for the key is already there it is
   * kept and returned instead, so callers must serve the returned unit, not their own bytes.
   */
  CachedUnit commit(CacheKey key, UnitContents contents);

  /** Checks every file of the unit against the sha256 and size in its manifest. */
  IntegrityReport verify(CachedUnit unit);

  /** Removes a unit (corrupt, expired or invalidated); {@code reason} is logged. Missing units are ignored. */
  void drop(CachedUnit unit, String reason);

  /** Drops every unit whose manifest matches; returns how many. */
  int removeIf(Predicate<Manifest> filter);

  /** Every complete unit. */
  List<CachedUnit> list();

  /** Deletes what interrupted commits and drops left behind; returns how many leftovers it removed. */
  int sweepTemporary();

  /** The directory the store owns. */
  Path root();
}
