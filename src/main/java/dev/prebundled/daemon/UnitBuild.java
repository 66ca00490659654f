package dev.prebundled.daemon;

import dev.prebundled.bundle.BundleResult;
import dev.prebundled.bundle.EntryOutput;
import dev.prebundled.bundle.PackageBundler;
import dev.prebundled.bundle.PackageUnit;
import dev.prebundled.cache.CacheIndex;
import dev.prebundled.cache.CacheKey;
import dev.prebundled.cache.CachedUnit;
import dev.prebundled.cache.ContentFile;
import dev.prebundled.cache.ManifestEntry;
import dev.prebundled.cache.UnitContents;
import dev.prebundled.queue.BuildJob;
import dev.prebundled.resolve.ResolutionOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One unit's trip through the queue: build it with the bundler (on a worker, retried on transient
 * errors), then commit it to the cache (on the single writer).
 */
final class UnitBuild implements BuildJob<UnitContents, CachedUnit> {
  private final PackageUnit unit;
  private final ResolutionOptions resolution;
  private final CacheKey key;
  private final PackageBundler bundler;
  private final CacheIndex cache;
  private final AtomicLong buildCounter;
  private final Optional<CachedUnit> replaces;

  /** {@code replaces}: the stale or expired unit the caller found, which this build is to replace. */
  UnitBuild(PackageUnit unit, ResolutionOptions resolution, CacheKey key, PackageBundler bundler, CacheIndex cache, AtomicLong buildCounter,
      Optional<CachedUnit> replaces) {
    this.unit = unit;
    this.resolution = resolution;
    this.key = key;
    this.bundler = bundler;
    this.cache = cache;
    this.buildCounter = buildCounter;
    this.replaces = replaces;
  }

  /** A unit committed since the caller looked: not the one it found and wants replaced. */
  @Override
  public Optional<CachedUnit> alreadyCommitted() {
    return cache.peek(key).filter(unit -> replaces.map(old -> old.manifest().builtAtEpochMillis() != unit.manifest().builtAtEpochMillis())
        .orElse(true));
  }

  @Override
  public UnitContents build() {
    buildCounter.incrementAndGet();
    return contentsOf(bundler.bundle(unit, resolution));
  }

  @Override
  public CachedUnit commit(UnitContents built) {
    return cache.commit(key, built);
  }

  @Override
  public String describe() {
    return unit.id();
  }

  static UnitContents contentsOf(BundleResult result) {
    List<ContentFile> files = result.files().stream().map(f -> new ContentFile(f.name(), f.contents())).toList();
    Map<String, ManifestEntry> entries = new LinkedHashMap<>();
    for (EntryOutput entry : result.entries().values()) {
      entries.put(entry.entry(), new ManifestEntry(entry.file(), entry.nodeFile().orElse(null), entry.exports(), entry.source(),
          entry.sourceFormat().name().toLowerCase(Locale.ROOT)));
    }
    return new UnitContents(files, entries, List.copyOf(result.externals()), result.buildTime().toMillis(), result.warnings());
  }
}
