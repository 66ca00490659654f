package dev.prebundled.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's policy in front of a {@link CacheStore}: an in-memory Caffeine index of units by key,
 * bounded by the estimated weight of their manifests, that falls back to the store on a miss and
 * writes commits through. A unit's files are checked against its manifest the first time it is
 * served after a start (and again by {@link #sweep()}); a corrupt unit is dropped, reported and
 * answered as a miss so the caller rebuilds it, never served.
 */
public final class CacheIndex {
  private static final Logger LOG = LoggerFactory.getLogger(CacheIndex.class);
  private static final int BASE_WEIGHT = 512;
  private static final int PER_STRING = 48;

  private final CacheStore store;
  private final Cache<CacheKey, CachedUnit> units;
  private final Consumer<Corruption> onCorruption;
  // Key -> build time of the unit verified for it: a recommitted unit has a new time and is checked anew.
  private final Map<CacheKey, Long> verified = new ConcurrentHashMap<>();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong verifications = new AtomicLong();
  private final AtomicLong corruptions = new AtomicLong();

  public CacheIndex(CacheStore store, long maximumWeightBytes, Consumer<Corruption> onCorruption) {
    this.store = Objects.requireNonNull(store, "store");
    this.onCorruption = Objects.requireNonNull(onCorruption, "onCorruption");
    this.units =
        Caffeine.newBuilder()
            .maximumWeight(maximumWeightBytes)
            .weigher((CacheKey key, CachedUnit unit) -> weight(unit.manifest()))
            // Maintenance on the calling thread: eviction is cheap, and it keeps the index deterministic.
            .executor(Runnable::run)
            .build();
  }

  public CacheIndex(CacheStore store, long maximumWeightBytes) {
    this(store, maximumWeightBytes, corruption -> {});
  }

  /** The verified unit for {@code key}, or empty when there is none or it was corrupt (then it is gone). */
  public Optional<CachedUnit> lookup(CacheKey key) {
    CachedUnit unit = units.get(key, k -> store.find(k).orElse(null));
    if (unit == null) {
      misses.incrementAndGet();
      return Optional.empty();
    }
    if (!isVerified(unit)) {
      verifications.incrementAndGet();
      IntegrityReport report = store.verify(unit);
      if (!report.ok()) {
        corrupt(unit, report);
        misses.incrementAndGet();
        return Optional.empty();
      }
      verified.put(key, unit.manifest().builtAtEpochMillis());
    }
    hits.incrementAndGet();
    return Optional.of(unit);
  }

  /** Commits through to the store and indexes the result (which may be an existing valid unit). */
  /**
   * The unit for {@code key} if it is in memory and verified (just committed, say), without
   * touching the disk or the hit and miss counters: a check, not a request.
   */
  public Optional<CachedUnit> peek(CacheKey key) {
    return Optional.ofNullable(units.getIfPresent(key)).filter(this::isVerified);
  }

  public CachedUnit commit(CacheKey key, UnitContents contents) {
    CachedUnit unit = store.commit(key, contents);
    // Just written from these bytes (or just verified by the store): no need to check it again.
    verified.put(key, unit.manifest().builtAtEpochMillis());
    units.put(key, unit);
    return unit;
  }

  /** Drops every unit whose manifest matches, on disk and in memory; returns how many were on disk. */
  public int invalidate(Predicate<Manifest> filter) {
    int removed = store.removeIf(filter);
    List<CacheKey> keys = new ArrayList<>();
    units.asMap().forEach((key, unit) -> {
      if (filter.test(unit.manifest())) keys.add(key);
    });
    units.invalidateAll(keys);
    keys.forEach(verified::remove);
    return removed;
  }

  /**
   * The periodic check: removes leftovers of interrupted commits, re-verifies every unit on disk
   * and drops the corrupt ones.
   */
  public SweepResult sweep() {
    int temporaryRemoved = store.sweepTemporary();
    List<Corruption> corrupt = new ArrayList<>();
    List<CachedUnit> all = store.list();
    for (CachedUnit unit : all) {
      verifications.incrementAndGet();
      IntegrityReport report = store.verify(unit);
      if (report.ok()) {
        verified.put(unit.key(), unit.manifest().builtAtEpochMillis());
      } else {
        corrupt.add(corrupt(unit, report));
      }
    }
    return new SweepResult(all.size(), temporaryRemoved, corrupt);
  }

  public IndexStats stats() {
    units.cleanUp();
    long weight = units.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    return new IndexStats(hits.get(), misses.get(), verifications.get(), corruptions.get(), units.estimatedSize(), weight);
  }

  public CacheStore store() {
    return store;
  }

  private boolean isVerified(CachedUnit unit) {
    return Long.valueOf(unit.manifest().builtAtEpochMillis()).equals(verified.get(unit.key()));
  }

  private Corruption corrupt(CachedUnit unit, IntegrityReport report) {
    corruptions.incrementAndGet();
    Corruption corruption = new Corruption(unit.key(), unit.dir(), report.problems());
    LOG.warn("corrupt cache unit {} at {}, dropping it for a rebuild: {}", unit.key().packageDir(), unit.dir(), report.problems());
    // Conditional removes: a fresh commit of the same key that raced in must stay.
    units.asMap().remove(unit.key(), unit);
    verified.remove(unit.key(), unit.manifest().builtAtEpochMillis());
    store.drop(unit, "integrity check failed: " + String.join("; ", report.problems()));
    onCorruption.accept(corruption);
    return corruption;
  }

  /** A rough size in bytes of a unit held in memory: its manifest's strings plus fixed overheads. */
  static int weight(Manifest manifest) {
    long weight = BASE_WEIGHT;
    for (ManifestFile file : manifest.files()) weight += PER_STRING + 2L * file.name().length() + 2L * file.sha256().length() + 16;
    for (Map.Entry<String, ManifestEntry> entry : manifest.entries().entrySet()) {
      weight += PER_STRING * 4L + 2L * (entry.getKey().length() + entry.getValue().file().length() + entry.getValue().source().length());
      for (String name : entry.getValue().exports()) weight += PER_STRING + 2L * name.length();
    }
    for (String text : manifest.externals()) weight += PER_STRING + 2L * text.length();
    for (String text : manifest.warnings()) weight += PER_STRING + 2L * text.length();
    for (String entry : manifest.key().entries()) weight += PER_STRING + 2L * entry.length();
    return (int) Math.min(Integer.MAX_VALUE, weight);
  }
}
