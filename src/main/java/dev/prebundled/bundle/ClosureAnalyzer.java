package dev.prebundled.bundle;

import dev.prebundled.error.PrebundledException;
import dev.prebundled.esbuild.BuildOptions;
import dev.prebundled.esbuild.BuildResult;
import dev.prebundled.esbuild.EsbuildPlugin;
import dev.prebundled.esbuild.EsbuildService;
import dev.prebundled.esbuild.OnResolveResult;
import dev.prebundled.esbuild.PluginBuild;
import dev.prebundled.esbuild.ResolveKind;
import dev.prebundled.resolve.ModuleResolver;
import dev.prebundled.resolve.NodeBuiltins;
import dev.prebundled.resolve.PackageJsonReader;
import dev.prebundled.resolve.ResolutionOptions;
import dev.prebundled.resolve.ResolvedModule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Finds which entries of which packages the given entries import, without building them: one
 * esbuild analysis build (every bare import external, no output kept) whose metafile lists, for
 * each entry, the files it reaches and their bare imports; each import is resolved from the file
 * that makes it, so nested versions land in the right unit. {@link #close} repeats this until no
 * unit grows: the closure of DESIGN section 3, found before any unit is built so each is built
 * once.
 */
public final class ClosureAnalyzer {
  private static final Pattern URL_LIKE = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  private final EsbuildService esbuild;
  private final PackageJsonReader packageJsons;

  public ClosureAnalyzer(EsbuildService esbuild, PackageJsonReader packageJsons) {
    this.esbuild = esbuild;
    this.packageJsons = packageJsons;
  }

  /** The units and entry sets that the seeds need, and how many analysis builds finding them took. */
  public record Closure(Map<UnitRef, SortedSet<String>> units, Map<EntryRef, Set<EntryRef>> edges, int analysisBuilds) {
    public SortedSet<String> entriesOf(UnitRef unit) {
      return units.getOrDefault(unit, new TreeSet<>());
    }
  }

  /**
   * Closes {@code seeds} under "imports": every entry any of them (transitively) imports is added
   * to its unit. {@code knownEdges} answers for entries analysed before (a persisted graph), so a
   * warm start analyses nothing.
   */
  public Closure close(Collection<EntryRef> seeds, BuildMode mode, ResolutionOptions resolution,
      Function<EntryRef, Optional<Set<EntryRef>>> knownEdges) {
    ResolutionOptions forMode = resolution.withProduction(mode == BuildMode.PRODUCTION);
    Map<EntryRef, Set<EntryRef>> edges = new LinkedHashMap<>();
    Set<EntryRef> seen = new LinkedHashSet<>(seeds);
    List<EntryRef> frontier = new ArrayList<>(seen);
    int builds = 0;
    while (!frontier.isEmpty()) {
      List<EntryRef> unknown = new ArrayList<>();
      for (EntryRef entry : frontier) {
        Optional<Set<EntryRef>> known = knownEdges.apply(entry);
        if (known.isPresent()) edges.put(entry, known.get());
        else unknown.add(entry);
      }
      if (!unknown.isEmpty()) {
        AnalysisRun run = analyze(unknown, mode, forMode);
        builds += run.builds();
        edges.putAll(run.edges());
      }
      List<EntryRef> next = new ArrayList<>();
      for (EntryRef entry : frontier) {
        for (EntryRef target : edges.getOrDefault(entry, Set.of())) {
          if (seen.add(target)) next.add(target);
        }
      }
      frontier = next;
    }
    Map<UnitRef, SortedSet<String>> units = new LinkedHashMap<>();
    for (EntryRef entry : seen) units.computeIfAbsent(entry.unit(), u -> new TreeSet<>()).add(entry.subpath());
    return new Closure(units, edges, builds);
  }

  private record AnalysisRun(Map<EntryRef, Set<EntryRef>> edges, int builds) {}

  /** The direct edges of each entry; an entry that fails to resolve or parse has none (its build will say why). */
  private AnalysisRun analyze(List<EntryRef> entries, BuildMode mode, ResolutionOptions resolution) {
    ModuleResolver resolver = new ModuleResolver(resolution, packageJsons);
    Map<String, List<EntryRef>> byFile = new LinkedHashMap<>();
    Map<EntryRef, Set<EntryRef>> edges = new HashMap<>();
    for (EntryRef entry : entries) {
      edges.put(entry, new LinkedHashSet<>());
      try {
        ResolvedModule module = resolver.resolve(entry.specifier(), entry.unit().root());
        if (!module.browserExcluded()) byFile.computeIfAbsent(module.file().toString(), f -> new ArrayList<>()).add(entry);
      } catch (PrebundledException e) {
        // not resolvable: nothing to analyse; the request for it reports the error
      }
    }
    if (byFile.isEmpty()) return new AnalysisRun(edges, 0);
    Optional<Metafile> metafile = analysisBuild(byFile.keySet(), mode, resolution);
    if (metafile.isEmpty()) {
      if (byFile.size() == 1) return new AnalysisRun(edges, 1);
      // One broken package must not hide the imports of the others: analyse each on its own.
      int builds = 1;
      for (List<EntryRef> group : byFile.values()) {
        AnalysisRun single = analyze(group, mode, resolution);
        builds += single.builds();
        single.edges().forEach((k, v) -> edges.get(k).addAll(v));
      }
      return new AnalysisRun(edges, builds);
    }
    Metafile meta = metafile.get();
    Map<String, Set<EntryRef>> resolvedImportsByFile = new HashMap<>();
    for (Metafile.Output output : meta.outputs().values()) {
      if (output.entryPoint().isEmpty()) continue;
      List<EntryRef> owners = byFile.get(absolute(output.entryPoint().get()));
      if (owners == null) continue;
      Set<EntryRef> targets = new LinkedHashSet<>();
      for (String input : output.inputs()) {
        targets.addAll(resolvedImportsByFile.computeIfAbsent(input, file -> resolveImports(file, meta, resolver)));
      }
      owners.forEach(owner -> edges.get(owner).addAll(targets));
    }
    return new AnalysisRun(edges, 1);
  }

  private Set<EntryRef> resolveImports(String input, Metafile meta, ModuleResolver resolver) {
    Metafile.Input file = meta.inputs().get(input);
    if (file == null) return Set.of();
    Path from = Path.of(absolute(input)).getParent();
    Set<EntryRef> targets = new LinkedHashSet<>();
    for (Metafile.Import imported : file.imports()) {
      String specifier = imported.path();
      if (!imported.external() || specifier.startsWith("#") || specifier.startsWith(".") || specifier.startsWith("/")) continue;
      boolean builtin = NodeBuiltins.isBuiltin(specifier);
      if (!builtin && URL_LIKE.matcher(specifier).find()) continue;
      try {
        ResolvedModule target = resolver.resolve(specifier, from);
        targets.add(new EntryRef(new UnitRef(target.packageName(), target.packageVersion(), target.packageRoot()), target.subpath()));
      } catch (PrebundledException e) {
        // a builtin without a package of its name, or an optional peer that is not installed
      }
    }
    return targets;
  }

  private Optional<Metafile> analysisBuild(Collection<String> files, BuildMode mode, ResolutionOptions resolution) {
    EsbuildPlugin externals = new EsbuildPlugin() {
      @Override public String name() { return "prebundled-analysis"; }
      @Override public void setup(PluginBuild build) {
        build.onResolve("^[^./]", args -> args.kind() == ResolveKind.ENTRY_POINT || args.path().startsWith("#")
            ? Optional.empty()
            : Optional.of(OnResolveResult.external(args.path())));
      }
    };
    List<String> mainFields = new ArrayList<>(resolution.mainFields());
    if (!mainFields.contains("main")) mainFields.add("main");
    BuildOptions.Builder options = BuildOptions.builder()
        .workingDir(Path.of("/"))
        .write(false)
        .plugin(externals)
        .flags("--bundle", "--format=esm", "--platform=browser", "--metafile", "--log-level=silent",
            "--outdir=/prebundled-analysis", "--define:process.env.NODE_ENV=\"" + mode.nodeEnv() + "\"",
            "--conditions=" + String.join(",", resolution.conditionSet()),
            "--main-fields=" + String.join(",", mainFields));
    files.forEach(options::entryPoint);
    BuildResult result = esbuild.buildAndWait(options.build());
    if (!result.succeeded() || result.metafile().isEmpty()) return Optional.empty();
    return Optional.of(Metafile.parse(result.metafile().get()));
  }

  private static String absolute(String metafilePath) {
    return metafilePath.startsWith("/") ? metafilePath : "/" + metafilePath;
  }
}
