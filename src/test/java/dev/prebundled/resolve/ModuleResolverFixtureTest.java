package dev.prebundled.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution over synthetic packages, one feature of the algorithm per test. */
class ModuleResolverFixtureTest {

  @TempDir Path tmp;
  private Fixture fx;
  private Path app;
  private PackageJsonReader reader;
  private ModuleResolver dev;

  @BeforeEach
  void setUp() throws Exception {
    fx = new Fixture(tmp.toRealPath());
    app = fx.root();
    reader = new PackageJsonReader();
    dev = new ModuleResolver(ResolutionOptions.viteClient(false), reader);
    fx.pkg(".", "{'name': 'app', 'version': '0.0.0', 'exports': {'.': './index.js', './util': './util.js'}}")
        .files(".", "index.js", "util.js");
  }

  private String rel(ResolvedModule module) {
    return module.relativeFile();
  }

  @Test
  void exportsWithNestedConditionsFollowModeAndConditions() {
    fx.pkg(
            "node_modules/exp",
            "{'name': 'exp', 'version': '1.2.3', 'exports': {"
                + "'.': {'browser': {'development': './dist/browser.dev.js', 'production': './dist/browser.prod.js'},"
                + "      'import': './dist/index.mjs', 'require': './dist/index.cjs'},"
                + "'./package.json': './package.json'}}")
        .files("node_modules/exp/dist", "browser.dev.js", "browser.prod.js", "index.mjs", "index.cjs");

    ResolvedModule module = dev.resolve("exp", app);
    assertThat(rel(module)).isEqualTo("dist/browser.dev.js");
    assertThat(module.packageName()).isEqualTo("exp");
    assertThat(module.packageVersion()).isEqualTo("1.2.3");
    assertThat(module.packageRoot()).isEqualTo(app.resolve("node_modules/exp"));
    assertThat(module.subpath()).isEqualTo(".");
    assertThat(module.browserExcluded()).isFalse();

    ModuleResolver prod = new ModuleResolver(ResolutionOptions.viteClient(true), reader);
    assertThat(rel(prod.resolve("exp", app))).isEqualTo("dist/browser.prod.js");

    ModuleResolver server = new ModuleResolver(ResolutionOptions.viteClient(false).withConditions(List.of("node")), reader);
    assertThat(rel(server.resolve("exp", app))).isEqualTo("dist/index.mjs");

    ModuleResolver require =
        new ModuleResolver(new ResolutionOptions(List.of("node"), List.of(), ResolutionOptions.DEFAULT_EXTENSIONS, false, true), reader);
    assertThat(rel(require.resolve("exp", app))).isEqualTo("dist/index.cjs");
    assertThat(rel(dev.resolve("exp/package.json", app))).isEqualTo("package.json");
  }

  @Test
  void subpathPatternsNullTargetsAndArrayFallbacks() {
    fx.pkg(
            "node_modules/pat",
            "{'name': 'pat', 'exports': {"
                + "'./features/*.js': './src/features/*.js',"
                + "'./features/internal/*': null,"
                + "'./*': './lib/*.js',"
                + "'./fallback': [{'worker': './lib/worker.js'}, 'not-a-path', './lib/fallback.js']}}")
        .files("node_modules/pat/src/features", "a.js")
        .files("node_modules/pat/src/features/deep", "b.js")
        .files("node_modules/pat/src/features/internal", "secret.js")
        .files("node_modules/pat/lib", "utils.js", "fallback.js", "worker.js");

    assertThat(rel(dev.resolve("pat/features/a.js", app))).isEqualTo("src/features/a.js");
    assertThat(rel(dev.resolve("pat/features/deep/b.js", app))).isEqualTo("src/features/deep/b.js");
    assertThat(rel(dev.resolve("pat/utils", app))).isEqualTo("lib/utils.js");
    assertThat(rel(dev.resolve("pat/fallback", app))).isEqualTo("lib/fallback.js");
    assertThat(dev.resolve("pat/features/a.js", app).subpath()).isEqualTo("./features/a.js");

    assertThatThrownBy(() -> dev.resolve("pat/features/internal/secret.js", app))
        .isInstanceOf(ModuleNotFoundException.class)
        .hasMessageContaining("'pat'")
        .hasMessageContaining("./features/internal/secret.js")
        .hasMessageContaining(app.resolve("node_modules/pat/package.json").toString());
  }

  @Test
  void notExportedSubpathIsRefusedWithPackageSubpathAndFile() {
    fx.pkg("node_modules/only-main", "{'name': 'only-main', 'exports': './main.js'}")
        .files("node_modules/only-main", "main.js", "internal.js");
    assertThat(rel(dev.resolve("only-main", app))).isEqualTo("main.js");

    assertThatThrownBy(() -> dev.resolve("only-main/internal.js", app))
        .isInstanceOf(ModuleNotFoundException.class)
        .satisfies(
            e -> {
              ModuleNotFoundException notFound = (ModuleNotFoundException) e;
              assertThat(notFound.code()).isEqualTo(ErrorCode.MODULE_NOT_FOUND);
              assertThat(notFound.packageName()).contains("only-main");
              assertThat(notFound.specifier()).isEqualTo("only-main/internal.js");
              assertThat(notFound.packageJson()).contains(app.resolve("node_modules/only-main/package.json"));
            })
        .hasMessage(
            "Package 'only-main' does not export subpath './internal.js': it is not defined by \"exports\" in "
                + app.resolve("node_modules/only-main/package.json")
                + " for conditions [browser, default, development, import, module]");
  }

  @Test
  void conditionsObjectSugarAtTopLevel() {
    fx.pkg("node_modules/sugar", "{'name': 'sugar', 'exports': {'import': './esm.js', 'default': './cjs.js'}}")
        .files("node_modules/sugar", "esm.js", "cjs.js");
    assertThat(rel(dev.resolve("sugar", app))).isEqualTo("esm.js");
    assertThatThrownBy(() -> dev.resolve("sugar/esm.js", app)).isInstanceOf(ModuleNotFoundException.class);
  }

  @Test
  void exportsTargetThatDoesNotExistIsNamed() {
    fx.pkg("node_modules/ghost", "{'name': 'ghost', 'exports': './dist/missing.js'}");
    assertThatThrownBy(() -> dev.resolve("ghost", app))
        .isInstanceOf(ModuleNotFoundException.class)
        .hasMessageContaining("./dist/missing.js")
        .hasMessageContaining("does not exist");
  }

  @Test
  void browserStringWinsOverModuleAndMain() {
    fx.pkg("node_modules/brstr", "{'name': 'brstr', 'main': './node.js', 'module': './esm.js', 'browser': './browser.js'}")
        .files("node_modules/brstr", "node.js", "esm.js", "browser.js");
    assertThat(rel(dev.resolve("brstr", app))).isEqualTo("browser.js");
    ModuleResolver moduleFirst = new ModuleResolver(ResolutionOptions.viteClient(false).withMainFields(List.of("module")), reader);
    assertThat(rel(moduleFirst.resolve("brstr", app))).isEqualTo("esm.js");
    ModuleResolver mainOnly = new ModuleResolver(ResolutionOptions.viteClient(false).withMainFields(List.of()), reader);
    assertThat(rel(mainOnly.resolve("brstr", app))).isEqualTo("node.js");
  }

  @Test
  void browserObjectReplacesAndExcludesFiles() {
    fx.pkg(
            "node_modules/brobj",
            "{'name': 'brobj', 'version': '2.0.0', 'main': './index.js', 'browser': {"
                + "'./index.js': './index.browser.js', './lib/node-only.js': false,"
                + "'./lib/impl.js': './lib/impl-browser.js', 'fs': false}}")
        .files("node_modules/brobj", "index.js", "index.browser.js")
        .files("node_modules/brobj/lib", "node-only.js", "impl.js", "impl-browser.js");
    assertThat(rel(dev.resolve("brobj", app))).isEqualTo("index.browser.js");
    assertThat(rel(dev.resolve("brobj/lib/impl", app))).isEqualTo("lib/impl-browser.js");
    assertThat(rel(dev.resolve("brobj/lib/impl.js", app))).isEqualTo("lib/impl-browser.js");

    ResolvedModule excluded = dev.resolve("brobj/lib/node-only", app);
    assertThat(excluded.browserExcluded()).isTrue();
    assertThat(excluded.packageName()).isEqualTo("brobj");
    assertThat(excluded.packageVersion()).isEqualTo("2.0.0");
    assertThat(excluded.file()).isEqualTo(app.resolve("node_modules/brobj/lib/node-only"));

    // Without the browser main field, the object is ignored.
    ModuleResolver noBrowser = new ModuleResolver(ResolutionOptions.viteClient(false).withMainFields(List.of("module")), reader);
    assertThat(rel(noBrowser.resolve("brobj", app))).isEqualTo("index.js");
    assertThat(noBrowser.resolve("brobj/lib/node-only", app).browserExcluded()).isFalse();
  }

  @Test
  void browserObjectDotEntryAndEntryMappingAfterExports() {
    fx.pkg("node_modules/brdot", "{'name': 'brdot', 'main': './m.js', 'browser': {'.': './b.js'}}")
        .files("node_modules/brdot", "m.js", "b.js");
    assertThat(rel(dev.resolve("brdot", app))).isEqualTo("b.js");

    // Vite maps the package entry through an object browser field even when exports chose it.
    fx.pkg("node_modules/brexp", "{'name': 'brexp', 'exports': {'.': './index.js', './x': './index.js'}, 'browser': {'./index.js': './index.browser.js'}}")
        .files("node_modules/brexp", "index.js", "index.browser.js");
    assertThat(rel(dev.resolve("brexp", app))).isEqualTo("index.browser.js");
    assertThat(rel(dev.resolve("brexp/x", app))).isEqualTo("index.js");
  }

  @Test
  void moduleThenMainThenIndexFallbacks() {
    fx.pkg("node_modules/modonly", "{'name': 'modonly', 'module': './esm/index.js', 'main': './cjs/index.js'}")
        .files("node_modules/modonly/esm", "index.js")
        .files("node_modules/modonly/cjs", "index.js");
    fx.pkg("node_modules/jsnext", "{'name': 'jsnext', 'jsnext:main': './next.js', 'main': './main.js'}")
        .files("node_modules/jsnext", "next.js", "main.js");
    fx.pkg("node_modules/maindir", "{'name': 'maindir', 'main': 'lib'}").files("node_modules/maindir/lib", "index.js");
    fx.pkg("node_modules/mainnoext", "{'name': 'mainnoext', 'main': './dist/entry'}").files("node_modules/mainnoext/dist", "entry.js");
    fx.pkg("node_modules/noentry", "{'name': 'noentry'}").files("node_modules/noentry", "index.js");
    fx.files("node_modules/nopkgjson", "index.js");
    fx.pkg("node_modules/broken-main", "{'name': 'broken-main', 'main': './gone.js'}");

    assertThat(rel(dev.resolve("modonly", app))).isEqualTo("esm/index.js");
    assertThat(rel(dev.resolve("jsnext", app))).isEqualTo("next.js");
    assertThat(rel(dev.resolve("maindir", app))).isEqualTo("lib/index.js");
    assertThat(rel(dev.resolve("mainnoext", app))).isEqualTo("dist/entry.js");
    assertThat(rel(dev.resolve("noentry", app))).isEqualTo("index.js");
    assertThat(rel(dev.resolve("nopkgjson", app))).isEqualTo("index.js");
    assertThatThrownBy(() -> dev.resolve("broken-main", app))
        .isInstanceOf(ModuleNotFoundException.class)
        .hasMessageContaining("Failed to resolve the entry of package 'broken-main'");
  }

  @Test
  void deepImportsWithoutExports() {
    fx.pkg("node_modules/deep", "{'name': 'deep', 'main': 'deep.js'}")
        .files("node_modules/deep", "deep.js", "debounce.js", "only.mjs", "only.cjs", "x.cjs")
        .file("node_modules/deep/data.json", "{}")
        .files("node_modules/deep/fp", "index.js")
        .pkg("node_modules/deep/sub", "{'module': './sub.esm.js', 'main': './sub.cjs.js'}")
        .files("node_modules/deep/sub", "sub.esm.js", "sub.cjs.js");
    assertThat(rel(dev.resolve("deep/debounce", app))).isEqualTo("debounce.js");
    assertThat(rel(dev.resolve("deep/debounce.js", app))).isEqualTo("debounce.js");
    assertThat(rel(dev.resolve("deep/data", app))).isEqualTo("data.json");
    assertThat(rel(dev.resolve("deep/fp", app))).isEqualTo("fp/index.js");
    assertThat(rel(dev.resolve("deep/sub", app))).isEqualTo("sub/sub.esm.js");
    assertThat(rel(dev.resolve("deep/only", app))).isEqualTo("only.mjs");
    assertThat(rel(dev.resolve("deep/x", app))).isEqualTo("x.cjs");
    ResolvedModule sub = dev.resolve("deep/sub", app);
    assertThat(sub.packageRoot()).isEqualTo(app.resolve("node_modules/deep"));
    assertThat(sub.packageName()).isEqualTo("deep");
    assertThatThrownBy(() -> dev.resolve("deep/missing", app))
        .isInstanceOf(ModuleNotFoundException.class)
        .hasMessageContaining("Cannot find './missing' in package 'deep'");
  }

  @Test
  void scopedPackages() {
    fx.pkg("node_modules/@scope/pkg", "{'name': '@scope/pkg', 'version': '3.0.0', 'exports': {'.': './index.js', './sub/*': './sub/*.js'}}")
        .files("node_modules/@scope/pkg", "index.js")
        .files("node_modules/@scope/pkg/sub", "thing.js");
    ResolvedModule module = dev.resolve("@scope/pkg/sub/thing", app);
    assertThat(rel(module)).isEqualTo("sub/thing.js");
    assertThat(module.packageName()).isEqualTo("@scope/pkg");
    assertThat(module.packageRoot()).isEqualTo(app.resolve("node_modules/@scope/pkg"));
    assertThat(module.bareSpecifier()).isEqualTo("@scope/pkg/sub/thing");
    assertThat(dev.resolve("@scope/pkg", app).packageVersion()).isEqualTo("3.0.0");
  }

  @Test
  void nestedVersionsResolvePerImporter() {
    fx.pkg("node_modules/a", "{'name': 'a', 'version': '2.0.0', 'main': 'index.js'}").files("node_modules/a", "index.js");
    fx.pkg("node_modules/b", "{'name': 'b', 'version': '1.0.0', 'main': 'index.js'}").files("node_modules/b/lib", "x.js").files("node_modules/b", "index.js");
    fx.pkg("node_modules/b/node_modules/a", "{'name': 'a', 'version': '1.0.0', 'main': 'index.js'}")
        .files("node_modules/b/node_modules/a", "index.js");
    fx.pkg("node_modules/c", "{'name': 'c', 'version': '1.0.0'}").files("node_modules/c", "index.js");

    assertThat(dev.resolve("a", app).packageVersion()).isEqualTo("2.0.0");
    assertThat(dev.resolve("a", app.resolve("node_modules/c")).packageVersion()).isEqualTo("2.0.0");
    ResolvedModule fromB = dev.resolve("a", app.resolve("node_modules/b/lib"));
    assertThat(fromB.packageVersion()).isEqualTo("1.0.0");
    assertThat(fromB.packageRoot()).isEqualTo(app.resolve("node_modules/b/node_modules/a"));
    assertThat(dev.resolve("a", app.resolve("node_modules/b")).packageVersion()).isEqualTo("1.0.0");
    // From inside the nested a@1, "b" is found at the top.
    assertThat(dev.resolve("b", app.resolve("node_modules/b/node_modules/a")).packageRoot())
        .isEqualTo(app.resolve("node_modules/b"));
  }

  @Test
  void packageImportsAreResolvedInsideTheImportingPackage() {
    fx.pkg("node_modules/exp2", "{'name': 'exp2', 'version': '5.0.0', 'exports': './e.js'}").files("node_modules/exp2", "e.js");
    fx.pkg(
            "node_modules/imp",
            "{'name': 'imp', 'version': '1.0.0', 'exports': './src/index.js', 'imports': {"
                + "'#dep': {'browser': './src/dep-browser.js', 'default': './src/dep-node.js'},"
                + "'#internal/*': './src/internal/*.js', '#ext': 'exp2'}}")
        .files("node_modules/imp/src", "index.js", "dep-browser.js", "dep-node.js")
        .files("node_modules/imp/src/internal", "x.js");
    Path from = app.resolve("node_modules/imp/src");

    ResolvedModule dep = dev.resolve("#dep", from);
    assertThat(rel(dep)).isEqualTo("src/dep-browser.js");
    assertThat(dep.packageName()).isEqualTo("imp");
    assertThat(dep.subpath()).isEqualTo("#dep");
    assertThat(rel(dev.resolve("#internal/x", from))).isEqualTo("src/internal/x.js");
    ResolvedModule ext = dev.resolve("#ext", from);
    assertThat(ext.packageName()).isEqualTo("exp2");
    assertThat(ext.packageVersion()).isEqualTo("5.0.0");
    assertThatThrownBy(() -> dev.resolve("#missing", from))
        .isInstanceOf(ModuleNotFoundException.class)
        .hasMessageContaining("'#missing' is not defined by \"imports\"")
        .hasMessageContaining(app.resolve("node_modules/imp/package.json").toString());
    // The app's own package.json has no "imports".
    assertThatThrownBy(() -> dev.resolve("#dep", app)).isInstanceOf(ModuleNotFoundException.class);
  }

  @Test
  void selfReferenceByOwnNameGoesThroughExports() {
    fx.pkg("node_modules/selfref", "{'name': 'selfref', 'exports': {'.': './index.js', './util': './util.js'}}")
        .files("node_modules/selfref", "index.js", "util.js")
        .files("node_modules/selfref/src", "a.js");
    ResolvedModule self = dev.resolve("selfref/util", app.resolve("node_modules/selfref/src"));
    assertThat(rel(self)).isEqualTo("util.js");
    assertThat(self.packageRoot()).isEqualTo(app.resolve("node_modules/selfref"));

    // The app, not installed anywhere, refers to itself.
    ResolvedModule appSelf = dev.resolve("app/util", app.resolve("src"));
    assertThat(appSelf.file()).isEqualTo(app.resolve("util.js"));
    assertThat(appSelf.packageRoot()).isEqualTo(app);
    assertThatThrownBy(() -> dev.resolve("app/index.js", app)).isInstanceOf(ModuleNotFoundException.class);
  }

  @Test
  void brokenPackageJsonNamesFileAndLine() {
    fx.file("node_modules/broken/package.json", "{\n  \"name\": \"broken\",\n  \"main\": \"index.js\"\n  \"version\": \"1.0.0\"\n}\n");
    assertThatThrownBy(() -> dev.resolve("broken", app))
        .isInstanceOf(PrebundledException.class)
        .satisfies(
            e -> {
              PrebundledException error = (PrebundledException) e;
              assertThat(error.code()).isEqualTo(ErrorCode.INVALID_PACKAGE);
              assertThat(error.location()).isPresent();
              assertThat(error.location().get().file()).isEqualTo(app.resolve("node_modules/broken/package.json").toString());
              assertThat(error.location().get().line()).isEqualTo(4);
              assertThat(error.location().get().lineText()).isEqualTo("  \"version\": \"1.0.0\"");
            })
        .hasMessageContaining(app.resolve("node_modules/broken/package.json") + ":4:");
  }

  @Test
  void installedPackagesNamedLikeBuiltinsWin() {
    fx.pkg("node_modules/events", "{'name': 'events', 'version': '3.3.0', 'main': './events.js'}")
        .files("node_modules/events", "events.js");
    assertThat(NodeBuiltins.isBuiltin("events")).isTrue();
    assertThat(dev.findPackageDir("events", app)).isPresent();
    assertThat(rel(dev.resolve("events", app))).isEqualTo("events.js");

    assertThat(dev.findPackageDir("fs", app)).isEmpty();
    assertThatThrownBy(() -> dev.resolve("fs", app))
        .isInstanceOf(ModuleNotFoundException.class)
        .hasMessageContaining("a Node builtin of that name exists");
    assertThatThrownBy(() -> dev.resolve("node:events", app))
        .isInstanceOf(ModuleNotFoundException.class)
        .hasMessageContaining("Node builtin");
    assertThatThrownBy(() -> dev.resolve("not-installed", app))
        .isInstanceOf(ModuleNotFoundException.class)
        .hasMessageContaining("Cannot find package 'not-installed'");
    assertThatThrownBy(() -> dev.resolve("../escape", app))
        .isInstanceOf(PrebundledException.class)
        .satisfies(e -> assertThat(((PrebundledException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }
}
