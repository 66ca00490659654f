package dev.prebundled.bundle;

import dev.prebundled.bundle.Facades.RequireShape;
import dev.prebundled.esbuild.EsbuildPlugin;
import dev.prebundled.esbuild.OnLoadArgs;
import dev.prebundled.esbuild.OnLoadResult;
import dev.prebundled.esbuild.OnResolveArgs;
import dev.prebundled.esbuild.OnResolveResult;
import dev.prebundled.esbuild.PluginBuild;
import dev.prebundled.esbuild.ResolveKind;
import dev.prebundled.resolve.BareSpecifier;
import dev.prebundled.resolve.NodeBuiltins;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The esbuild plugin of one unit build. It keeps every import of another package (and every Node
 * builtin) a bare import in the output, resolves self-imports of the unit's own CommonJS entries
 * inside the build so they share one instance, routes CommonJS {@code require()} of other packages through
 * the facade pair of {@link Facades}, and loads the virtual modules.
 */
final class UnitPlugin implements EsbuildPlugin {
  private static final Pattern URL_LIKE = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  private final PackageUnit unit;
  private final Map<String, UnitEntry> entries;
  private final RequireTargets requireTargets;
  private final Set<String> externals = ConcurrentHashMap.newKeySet();

  UnitPlugin(PackageUnit unit, Map<String, UnitEntry> entries, RequireTargets requireTargets) {
    this.unit = unit;
    this.entries = entries;
    this.requireTargets = requireTargets;
  }

  /** The bare specifiers the output imports, known once the build is done. */
  Set<String> externals() {
    return Set.copyOf(externals);
  }

  @Override
  public String name() {
    return "prebundled-unit";
  }

  @Override
  public void setup(PluginBuild build) {
    for (String namespace : new String[] {Facades.ENTRY_NAMESPACE, Facades.ENTRY_NODE_NAMESPACE, Facades.EMPTY_NAMESPACE, Facades.ESM_IMPORT_NAMESPACE}) {
      build.onResolve("^" + namespace + ":", args ->
          Optional.of(OnResolveResult.virtual(args.path().substring(namespace.length() + 1), namespace)));
    }
    build.onResolve("^[^./]", this::resolveBare);
    build.onLoad(".*", Facades.ENTRY_NAMESPACE, args -> Optional.of(loadEntryFacade(args.path())));
    build.onLoad(".*", Facades.ENTRY_NODE_NAMESPACE, args ->
        Optional.of(loadEntryFacade(args.path().substring(0, args.path().length() - Facades.NODE_SUFFIX.length()))));
    build.onLoad(".*", Facades.EMPTY_NAMESPACE, args -> Optional.of(js(Facades.emptyModule())));
    build.onLoad(".*", Facades.ESM_IMPORT_NAMESPACE, args -> Optional.of(js(Facades.esmImportHalf(args.path()))));
    build.onLoad(".*", Facades.REQUIRE_NAMESPACE, args -> Optional.of(js(
        Facades.requireHalf(args.path(), (RequireShape) args.pluginData(), unit.id()))));
  }

  private Optional<OnResolveResult> resolveBare(OnResolveArgs args) {
    String specifier = args.path();
    if (args.namespace().equals(Facades.ESM_IMPORT_NAMESPACE)) {
      return Optional.of(external(specifier));
    }
    if (specifier.startsWith("#")) {
      return Optional.empty(); // package imports are internal: esbuild resolves them with our conditions
    }
    boolean builtin = NodeBuiltins.isBuiltin(specifier) && !requireTargets.isInstalled(specifier, Path.of(args.resolveDir()));
    if (!builtin && URL_LIKE.matcher(specifier).find()) {
      return Optional.of(external(specifier));
    }
    if (!builtin) {
      Optional<OnResolveResult> self = selfImport(specifier);
      if (self.isPresent()) return self;
    }
    if (args.kind() == ResolveKind.REQUIRE_CALL) {
      RequireShape shape = builtin ? RequireShape.MODULE_EXPORTS : requireTargets.shapeOf(specifier, Path.of(args.resolveDir()));
      if (shape != RequireShape.MISSING) externals.add(specifier);
      return Optional.of(OnResolveResult.virtual(specifier, Facades.REQUIRE_NAMESPACE).withPluginData(shape));
    }
    return Optional.of(external(specifier));
  }

  /**
   * An import of one of this unit's own CommonJS entries, by the package's own name, stays inside
   * the build, so {@code require("react")} in {@code react/jsx-runtime} is the very module the
   * {@code react} entry exports. A self-import of an ESM entry stays bare instead: it is served
   * this unit's own entry file, so it is still one instance, and esbuild cannot split a build in
   * which a name is imported through another entry's {@code export * from "<external>"} (it
   * reports "No matching export"; @reduxjs/toolkit/query does exactly that).
   */
  private Optional<OnResolveResult> selfImport(String specifier) {
    BareSpecifier bare;
    try {
      bare = BareSpecifier.parse(specifier);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (!bare.packageName().equals(unit.name())) return Optional.empty();
    UnitEntry entry = entries.get(bare.subpath());
    if (entry == null || !entry.needsFacade()) return Optional.empty(); // a bare import like any other
    if (entry.module().browserExcluded()) {
      return Optional.of(OnResolveResult.virtual(entry.subpath(), Facades.EMPTY_NAMESPACE));
    }
    return Optional.of(OnResolveResult.file(entry.module().file()));
  }

  private OnResolveResult external(String specifier) {
    externals.add(specifier);
    return OnResolveResult.external(specifier);
  }

  private OnLoadResult loadEntryFacade(String subpath) {
    UnitEntry entry = entries.get(subpath);
    return js(Facades.entryFacade(entry.module().file(), entry.commonJsNames()));
  }

  private OnLoadResult js(String source) {
    return OnLoadResult.js(source, unit.root().toString());
  }
}
