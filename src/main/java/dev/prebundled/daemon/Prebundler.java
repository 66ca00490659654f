package dev.prebundled.daemon;

import dev.prebundled.bundle.BuildMode;
import dev.prebundled.bundle.ClosureAnalyzer;
import dev.prebundled.bundle.ClosureAnalyzer.Closure;
import dev.prebundled.bundle.EntryRef;
import dev.prebundled.bundle.PackageBundler;
import dev.prebundled.bundle.PackageUnit;
import dev.prebundled.bundle.UnitRef;
import dev.prebundled.cache.CacheIndex;
import dev.prebundled.cache.CacheKey;
import dev.prebundled.cache.CachedUnit;
import dev.prebundled.cache.Fingerprints;
import dev.prebundled.cache.Freshness;
import dev.prebundled.cache.ManifestEntry;
import dev.prebundled.cache.ManifestFile;
import dev.prebundled.config.Settings;
import dev.prebundled.daemon.Messages.BundleParams;
import dev.prebundled.daemon.Messages.BundleReply;
import dev.prebundled.daemon.Messages.ImportResult;
import dev.prebundled.daemon.Messages.ImportSpec;
import dev.prebundled.daemon.Messages.PrewarmReply;
import dev.prebundled.daemon.Messages.Reload;
import dev.prebundled.daemon.Sessions.Session;
import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import dev.prebundled.observe.DaemonMetrics;
import dev.prebundled.queue.BuildQueue;
import dev.prebundled.queue.Priority;
import dev.prebundled.queue.RetryPolicy;
import dev.prebundled.resolve.ResolutionOptions;
import dev.prebundled.rpc.ErrorData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the daemon does with a batch of imports: validate it, plan the closure so every unit is
 * final before any file is handed out (DESIGN section 3), then serve each unit from the cache or
 * build it through the queue, keeping each session on the builds it was already given.
 */
final class Prebundler {
  private static final Logger log = LoggerFactory.getLogger(Prebundler.class);

  /** What a session gets for one unit: the build, whether it came from the cache, and any reload it forces. */
  private record Served(CachedUnit build, boolean cached, long buildMs, Reload reload) {}

  private final Settings settings;
  private final RequestValidator validator;
  private final PackageBundler bundler;
  private final ClosureAnalyzer analyzer;
  private final CacheIndex cache;
  private final Fingerprints fingerprints;
  private final BuildQueue<CacheKey> queue;
  private final ProjectStore projects;
  private final DaemonMetrics metrics;
  private final String esbuildVersion;
  private final Clock clock;
  private final AtomicLong unitBuilds = new AtomicLong();
  private final AtomicLong analysisBuilds = new AtomicLong();

  Prebundler(Settings settings, RequestValidator validator, PackageBundler bundler, ClosureAnalyzer analyzer, CacheIndex cache,
      Fingerprints fingerprints, BuildQueue<CacheKey> queue, ProjectStore projects, DaemonMetrics metrics, String esbuildVersion, Clock clock) {
    this.settings = settings;
    this.validator = validator;
    this.bundler = bundler;
    this.analyzer = analyzer;
    this.cache = cache;
    this.fingerprints = fingerprints;
    this.queue = queue;
    this.projects = projects;
    this.metrics = metrics;
    this.esbuildVersion = esbuildVersion;
    this.clock = clock;
  }

  long unitBuilds() {
    return unitBuilds.get();
  }

  long analysisBuilds() {
    return analysisBuilds.get();
  }

  BundleReply bundle(Session session, BundleParams params) {
    long started = System.nanoTime();
    RequestValidator.Request request = validator.validate(params);
    Plan plan = plan(request);
    Map<UnitRef, CompletableFuture<Served>> units = new LinkedHashMap<>();
    for (RequestValidator.Checked checked : request.imports()) {
      checked.entry().ifPresent(entry -> units.computeIfAbsent(entry.unit(),
          unit -> serve(session, unit, plan.entriesOf(unit), request, Priority.FOREGROUND)));
    }
    List<ImportResult> results = new ArrayList<>();
    for (RequestValidator.Checked checked : request.imports()) {
      results.add(answer(checked, units));
    }
    prebuildInBackground(plan, units.keySet(), request);
    metrics.resolutionTime(Duration.ofNanos(System.nanoTime() - started));
    return new BundleReply(results);
  }

  // The browser asks for the closure's other units next (the served files import them): build
  // them now, behind any work a browser waits for, so those requests find them in the cache.
  private void prebuildInBackground(Plan plan, Set<UnitRef> served, RequestValidator.Request request) {
    for (UnitRef unit : plan.closure().units().keySet()) {
      if (served.contains(unit)) continue;
      SortedSet<String> entries = plan.entriesOf(unit);
      try {
        CacheKey key = keyOf(unit, entries, request);
        if (cache.lookup(key).isEmpty()) queue.submit(key, Priority.BACKGROUND, job(unit, entries, key, request, Optional.empty()));
      } catch (PrebundledException e) {
        log.debug("not prebuilding {}: {}", unit.id(), e.getMessage());
      }
    }
  }

  PrewarmReply prewarm(Session session, BundleParams params) {
    long started = System.nanoTime();
    RequestValidator.Request request = validator.validate(params);
    Plan plan = plan(request);
    Map<UnitRef, CompletableFuture<Served>> units = new LinkedHashMap<>();
    for (UnitRef unit : plan.closure().units().keySet()) {
      units.put(unit, serve(session, unit, plan.entriesOf(unit), request, Priority.FOREGROUND));
    }
    int built = 0;
    int cached = 0;
    for (CompletableFuture<Served> unit : units.values()) {
      try {
        if (unit.join().cached()) cached++;
        else built++;
      } catch (CompletionException e) {
        // reported per import below when a requested import depends on it; logged by the queue
      }
    }
    List<ImportResult> failed = new ArrayList<>();
    for (RequestValidator.Checked checked : request.imports()) {
      ImportResult result = answer(checked, units);
      if (!result.succeeded()) failed.add(result);
    }
    long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
    metrics.resolutionTime(Duration.ofMillis(ms));
    log.info("prewarm of {}: {} units ({} built, {} from cache, {} failed imports) in {} ms",
        request.project(), units.size(), built, cached, failed.size(), ms);
    return new PrewarmReply(units.size(), built, cached, failed, ms);
  }

  /** The closure of everything the project has used plus this request, with the project's state updated. */
  private record Plan(Closure closure, ProjectState state) {
    SortedSet<String> entriesOf(UnitRef unit) {
      SortedSet<String> entries = new TreeSet<>(closure.entriesOf(unit));
      entries.addAll(state.entriesOf(unit));
      return entries;
    }
  }

  private Plan plan(RequestValidator.Request request) {
    ProjectState state = projects.get(request.project(), request.mode().nodeEnv());
    synchronized (state) {
      List<EntryRef> seeds = new ArrayList<>(state.allEntries());
      request.imports().forEach(checked -> checked.entry().ifPresent(seeds::add));
      Closure closure = analyzer.close(seeds, request.mode(), request.resolution(), state::knownEdges);
      analysisBuilds.addAndGet(closure.analysisBuilds());
      if (state.merge(closure)) projects.save(state);
      return new Plan(closure, state);
    }
  }

  private CompletableFuture<Served> serve(Session session, UnitRef unit, SortedSet<String> planned, RequestValidator.Request request,
      Priority priority) {
    Optional<CachedUnit> previous = session.served(unit).filter(Prebundler::stillOnDisk);
    if (previous.isPresent() && previous.get().manifest().entries().keySet().containsAll(planned)) {
      return CompletableFuture.completedFuture(new Served(previous.get(), true, 0, null));
    }
    SortedSet<String> entries = new TreeSet<>(planned);
    previous.ifPresent(p -> entries.addAll(p.manifest().entries().keySet()));
    CacheKey key;
    try {
      key = keyOf(unit, entries, request);
    } catch (PrebundledException e) {
      return CompletableFuture.failedFuture(e);
    }
    return obtain(unit, entries, key, request, priority).thenApply(served -> {
      Reload reload = null;
      if (previous.isPresent() && !previous.get().key().equals(served.build().key())) {
        List<String> added = entries.stream().filter(e -> !previous.get().manifest().entries().containsKey(e)).toList();
        reload = new Reload(unit.id(), added, unit.id() + " gained " + String.join(", ", added)
            + " after the page had loaded it; reload so the page uses one build of it");
        log.info("{}", reload.reason());
      }
      session.serve(unit, served.build());
      return new Served(served.build(), served.cached(), served.buildMs(), reload);
    });
  }

  private CompletableFuture<Served> obtain(UnitRef unit, SortedSet<String> entries, CacheKey key, RequestValidator.Request request,
      Priority priority) {
    Optional<CachedUnit> hit = cache.lookup(key);
    if (hit.isPresent()) {
      Freshness freshness = Freshness.of(hit.get(), settings.cacheStrategy().maxAge(), settings.cacheStrategy().staleWhileRevalidate(), clock);
      if (freshness == Freshness.FRESH) {
        metrics.cacheHit();
        return CompletableFuture.completedFuture(new Served(hit.get(), true, 0, null));
      }
      if (freshness == Freshness.STALE) {
        metrics.cacheStale();
        queue.submit(key, Priority.BACKGROUND, job(unit, entries, key, request, hit));
        return CompletableFuture.completedFuture(new Served(hit.get(), true, 0, null));
      }
    }
    metrics.cacheMiss();
    return queue.submit(key, priority, job(unit, entries, key, request, hit))
        .thenApply(build -> new Served(build, false, build.manifest().buildMs(), null));
  }

  /** A build of the unit; {@code found} is what the caller saw in the cache (stale or expired), which the build replaces. */
  private UnitBuild job(UnitRef unit, SortedSet<String> entries, CacheKey key, RequestValidator.Request request, Optional<CachedUnit> found) {
    PackageUnit packageUnit = new PackageUnit(unit.name(), unit.version(), unit.root(), entries, request.mode());
    return new UnitBuild(packageUnit, request.resolution(), key, bundler, cache, unitBuilds, found);
  }

  private CacheKey keyOf(UnitRef unit, SortedSet<String> entries, RequestValidator.Request request) {
    ResolutionOptions resolution = request.resolution().withProduction(request.mode() == BuildMode.PRODUCTION);
    return CacheKey.of(
        CacheKey.packageKey(settings.cacheStrategy().cacheKey(), unit.name(), unit.version()),
        unit.name(), unit.version(),
        fingerprints.of(unit.root(), Optional.of(request.project())),
        entries, request.mode().nodeEnv(), bundler.target(),
        List.copyOf(new TreeSet<>(resolution.conditionSet())), resolution.mainFields(), esbuildVersion);
  }

  private ImportResult answer(RequestValidator.Checked checked, Map<UnitRef, CompletableFuture<Served>> units) {
    ImportSpec spec = checked.spec();
    if (checked.error().isPresent()) {
      return failed(spec.specifier(), checked.error().get());
    }
    EntryRef entry = checked.entry().orElseThrow();
    Served served;
    try {
      served = units.get(entry.unit()).join();
    } catch (CompletionException e) {
      return failed(spec.specifier(), RetryPolicy.unwrap(e));
    }
    CachedUnit build = served.build();
    ManifestEntry output = build.manifest().entries().get(entry.subpath());
    if (output == null) {
      return failed(spec.specifier(), new PrebundledException(ErrorCode.INTERNAL,
          entry + " is missing from its build " + build.dir() + "; run prebundled invalidate"));
    }
    metrics.resolution(true);
    String nodeFile = output.nodeFile() == null ? null : build.file(output.nodeFile()).toString();
    String nodeHash = output.nodeFile() == null ? null : shortHash(build, output.nodeFile());
    return new ImportResult(spec.specifier(), entry.unit().id(), entry.subpath(), build.file(output.file()).toString(),
        shortHash(build, output.file()), nodeFile, nodeHash, build.dir().toString(), entry.unit().root().toString(), output.exports(), output.format(), served.cached(),
        served.buildMs(), served.reload(), null);
  }

  /** The first 8 hex digits of a file's sha256: its {@code ?v=}. */
  private static String shortHash(CachedUnit build, String file) {
    return build.manifest().files().stream().filter(f -> f.name().equals(file)).findFirst()
        .map(ManifestFile::sha256).map(h -> h.substring(0, 8)).orElse("");
  }

  private ImportResult failed(String specifier, Throwable error) {
    return failed(specifier, ErrorData.of(error, code -> settings.errorHandling().isTransient(code)));
  }

  private ImportResult failed(String specifier, ErrorData error) {
    metrics.resolution(false);
    metrics.error(ErrorCode.valueOf(error.code()));
    return ImportResult.failed(specifier, error);
  }

  private static boolean stillOnDisk(CachedUnit build) {
    return build.manifest().files().stream().allMatch(f -> Files.isRegularFile(build.file(f.name())));
  }
}
