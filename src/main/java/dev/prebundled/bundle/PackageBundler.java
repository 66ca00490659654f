package dev.prebundled.bundle;

import dev.prebundled.cjs.CjsExportResolver;
import dev.prebundled.cjs.CjsLexer;
import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import dev.prebundled.error.SourceLocation;
import dev.prebundled.esbuild.BuildOptions;
import dev.prebundled.esbuild.BuildResult;
import dev.prebundled.esbuild.EsbuildService;
import dev.prebundled.esbuild.Message;
import dev.prebundled.esbuild.MessageLocation;
import dev.prebundled.esbuild.OutputFile;
import dev.prebundled.resolve.ModuleFormat;
import dev.prebundled.resolve.ModuleFormatDetector;
import dev.prebundled.resolve.ModuleResolver;
import dev.prebundled.resolve.PackageJsonReader;
import dev.prebundled.resolve.ResolutionOptions;
import dev.prebundled.resolve.ResolvedModule;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds one {@link PackageUnit} into browser-ready ESM with one esbuild build: all entries
 * together with code splitting, CommonJS entries behind facades, every other package and Node
 * builtin left as a bare import, {@code process.env.NODE_ENV} defined for the mode, and output
 * names carrying content hashes. The same unit always builds to the same bytes, wherever the
 * package is installed: paths in the output are relative to the package root.
 */
public final class PackageBundler {
  /** The browsers Vite targets by default (baseline widely available); all allow string export names. */
  public static final String DEFAULT_TARGET = "es2022,chrome107,firefox104,safari16";

  private final EsbuildService esbuild;
  private final ResolutionOptions resolution;
  private final String target;
  private final PackageJsonReader packageJsons;
  private final ModuleFormatDetector formats;
  private final RuntimeExports runtimeExports;

  public PackageBundler(EsbuildService esbuild, PackageJsonReader packageJsons, ResolutionOptions resolution, String target) {
    this.esbuild = esbuild;
    this.packageJsons = packageJsons;
    this.resolution = resolution;
    this.target = target;
    this.formats = new ModuleFormatDetector(packageJsons, new ModuleFormatProbe(esbuild));
    this.runtimeExports = new RuntimeExports(esbuild, RuntimeExports.locateNode());
  }

  public PackageBundler(EsbuildService esbuild) {
    this(esbuild, new PackageJsonReader(), ResolutionOptions.viteClient(false), DEFAULT_TARGET);
  }

  public String target() {
    return target;
  }

  /** Builds with the resolution options this bundler was made with. */
  public BundleResult bundle(PackageUnit unit) {
    return bundle(unit, resolution);
  }

  /** Builds with the given conditions and main fields (Vite's {@code resolve.*} of the project). */
  public BundleResult bundle(PackageUnit unit, ResolutionOptions resolution) {
    long started = System.nanoTime();
    Path root = realRoot(unit);
    ModuleResolver resolver = new ModuleResolver(resolution.withProduction(unit.mode() == BuildMode.PRODUCTION), packageJsons);
    CjsExportResolver commonJs = new CjsExportResolver(new CjsLexer(), (specifier, from) -> {
      try {
        return Optional.of(resolver.resolve(specifier, from.getParent()).file());
      } catch (PrebundledException e) {
        return Optional.empty();
      }
    });
    Map<String, UnitEntry> entries = resolveEntries(unit, root, resolver, commonJs, resolutionFlags(unit, resolver.options()));
    UnitPlugin plugin = new UnitPlugin(unit, entries, new RequireTargets(resolver, formats, commonJs));

    Path outdir = root.resolve(".prebundled-out"); // never written: the build returns files in memory
    BuildOptions.Builder options = BuildOptions.builder()
        .workingDir(root)
        .write(false)
        .plugin(plugin)
        .flags(flags(unit, outdir, resolver.options()));
    Map<String, String> outputNameByInput = new LinkedHashMap<>();
    for (UnitEntry entry : entries.values()) {
      outputNameByInput.computeIfAbsent(entry.inputPath(), input -> {
        String name = uniqueName(outputName(entry.subpath()), outputNameByInput.values());
        options.entryPoint(name, input);
        return name;
      });
      entry.nodeInputPath().ifPresent(input -> outputNameByInput.computeIfAbsent(input, in -> {
        String name = uniqueName(outputName(entry.subpath()) + ".node", outputNameByInput.values());
        options.entryPoint(name, in);
        return name;
      }));
    }
    BuildResult result = esbuild.buildAndWait(options.build());
    if (!result.succeeded()) throw buildFailure(unit, root, result.errors());

    Metafile metafile = Metafile.parse(result.metafile().orElseThrow());
    List<BundledFile> files = new ArrayList<>();
    for (OutputFile file : result.outputFiles()) {
      String name = outdir.relativize(file.path()).toString().replace('\\', '/');
      files.add(new BundledFile(name, file.contents(), sha256(file.contents())));
    }
    Map<String, EntryOutput> outputs = entryOutputs(root, outdir, entries, metafile);
    List<String> warnings = result.warnings().stream().map(Message::toString).toList();
    return new BundleResult(unit, outputs, files, new TreeSet<>(plugin.externals()),
        Duration.ofNanos(System.nanoTime() - started), warnings);
  }

  private List<String> flags(PackageUnit unit, Path outdir, ResolutionOptions options) {
    List<String> flags = new ArrayList<>(List.of(
        "--bundle",
        "--format=esm",
        "--splitting",
        "--platform=browser",
        "--outdir=" + outdir,
        "--entry-names=[name]-[hash]",
        "--chunk-names=chunk-[hash]",
        "--metafile",
        "--charset=utf8",
        "--log-level=silent",
        "--log-limit=0"));
    flags.addAll(resolutionFlags(unit, options));
    return flags;
  }

  /** What the unit's code sees: target, {@code NODE_ENV}, conditions and main fields. */
  private List<String> resolutionFlags(PackageUnit unit, ResolutionOptions options) {
    List<String> mainFields = new ArrayList<>(options.mainFields());
    if (!mainFields.contains("main")) mainFields.add("main");
    return List.of(
        "--target=" + target,
        "--define:process.env.NODE_ENV=\"" + unit.mode().nodeEnv() + "\"",
        "--conditions=" + String.join(",", options.conditionSet()),
        "--main-fields=" + String.join(",", mainFields));
  }

  private static Path realRoot(PackageUnit unit) {
    try {
      return unit.root().toRealPath();
    } catch (IOException e) {
      throw new PrebundledException(ErrorCode.MODULE_NOT_FOUND,
          "package directory " + unit.root() + " of " + unit.id() + " does not exist", unit.name(),
          SourceLocation.ofFile(unit.root().toString()), e);
    }
  }

  /**
   * Resolves each entry; a CommonJS entry's facade names are what the lexer finds plus what its
   * {@code module.exports} has when it runs (see {@link RuntimeExports}).
   */
  private Map<String, UnitEntry> resolveEntries(PackageUnit unit, Path root, ModuleResolver resolver, CjsExportResolver commonJs,
      List<String> resolutionFlags) {
    Map<String, UnitEntry> entries = new LinkedHashMap<>();
    Map<String, Path> commonJsEntries = new LinkedHashMap<>();
    for (String subpath : unit.entries()) {
      ResolvedModule module = resolver.resolveInPackageDir(unit.specifierOf(subpath), root);
      ModuleFormat format = module.browserExcluded() ? ModuleFormat.COMMONJS : formats.detect(module.file());
      entries.put(subpath, new UnitEntry(subpath, module, format, Set.of(), false));
      if (format == ModuleFormat.COMMONJS && !module.browserExcluded()) commonJsEntries.put(subpath, module.file());
    }
    Map<String, RuntimeExports.View> runtime = runtimeExports.viewsOf(root, commonJsEntries, resolutionFlags);
    commonJsEntries.keySet().forEach(subpath -> entries.computeIfPresent(subpath, (s, entry) -> {
      Set<String> names = new TreeSet<>(lexedNames(unit, entry.module(), commonJs));
      boolean esModule = names.contains("__esModule");
      RuntimeExports.View view = runtime.get(subpath);
      if (view != null) {
        names.addAll(view.keys());
        esModule |= view.esModule();
        // Vite's namespace lists __esModule only where module.exports has it as an enumerable key.
        if (!view.keys().contains("__esModule")) names.remove("__esModule");
      }
      return new UnitEntry(subpath, entry.module(), entry.format(), names, esModule);
    }));
    return entries;
  }

  private static Set<String> lexedNames(PackageUnit unit, ResolvedModule module, CjsExportResolver commonJs) {
    try {
      return commonJs.resolve(module.file()).names();
    } catch (IOException e) {
      throw new PrebundledException(ErrorCode.INVALID_MODULE, "cannot read " + module.file() + ": " + e.getMessage(),
          unit.name(), SourceLocation.ofFile(module.file().toString()), e);
    }
  }

  private static Map<String, EntryOutput> entryOutputs(Path root, Path outdir, Map<String, UnitEntry> entries, Metafile metafile) {
    Map<String, String> outputByEntryPoint = new LinkedHashMap<>();
    Map<String, List<String>> exportsByOutput = new LinkedHashMap<>();
    metafile.outputs().forEach((path, output) -> output.entryPoint().ifPresent(entryPoint -> {
      String name = outdir.relativize(root.resolve(path).normalize()).toString().replace('\\', '/');
      outputByEntryPoint.put(entryPoint, name);
      exportsByOutput.put(name, output.exports().stream().sorted().toList());
    }));
    Map<String, EntryOutput> outputs = new LinkedHashMap<>();
    for (UnitEntry entry : entries.values()) {
      String key = entry.needsFacade() ? entry.inputPath() : root.relativize(entry.module().file()).toString().replace('\\', '/');
      String file = outputByEntryPoint.get(key);
      if (file == null) throw new IllegalStateException("esbuild's metafile has no output for entry " + key);
      Optional<String> nodeFile = entry.nodeInputPath().map(input -> {
        String output = outputByEntryPoint.get(input);
        if (output == null) throw new IllegalStateException("esbuild's metafile has no output for entry " + input);
        return output;
      });
      outputs.put(entry.subpath(), new EntryOutput(entry.subpath(), file, nodeFile, exportsByOutput.get(file),
          entry.module().relativeFile(), entry.format()));
    }
    return outputs;
  }

  /** {@code .} → {@code index}; {@code ./jsx-runtime} → {@code jsx-runtime}; {@code ./a/b} → {@code a__b}. */
  static String outputName(String subpath) {
    if (subpath.equals(".")) return "index";
    return subpath.substring(2).replace("/", "__").replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  private static String uniqueName(String name, Collection<String> taken) {
    String candidate = name;
    for (int i = 2; taken.contains(candidate); i++) candidate = name + "_" + i;
    return candidate;
  }

  private static PrebundledException buildFailure(PackageUnit unit, Path root, List<Message> errors) {
    Message first = errors.get(0);
    SourceLocation location = first.where()
        .map(where -> new SourceLocation(absolute(root, where), where.line(), where.column(), where.lineText()))
        .orElse(null);
    String summary = errors.size() == 1 ? "" : " (and " + (errors.size() - 1) + " more errors)";
    return new PrebundledException(ErrorCode.BUILD_FAILED,
        "building " + unit.id() + " failed: " + (location == null ? "" : location + ": ") + first.text() + summary,
        unit.name(), location, null);
  }

  private static String absolute(Path root, MessageLocation where) {
    return "file".equals(where.namespace()) || where.namespace().isEmpty()
        ? root.resolve(where.file()).normalize().toString()
        : where.namespace() + ":" + where.file();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
