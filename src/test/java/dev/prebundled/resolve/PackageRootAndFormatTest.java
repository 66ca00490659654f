package dev.prebundled.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageRootAndFormatTest {

  @TempDir Path tmp;
  private Fixture fx;
  private PackageJsonReader reader;

  @BeforeEach
  void setUp() throws Exception {
    fx = new Fixture(tmp.toRealPath());
    reader = new PackageJsonReader();
  }

  @Test
  void rootIsAfterTheLastNodeModulesSegment() {
    assertThat(PackageRoot.rootDirOf(Path.of("/p/node_modules/react/cjs/react.development.js")))
        .contains(Path.of("/p/node_modules/react"));
    assertThat(PackageRoot.rootDirOf(Path.of("/p/node_modules/@mui/material/Button/index.js")))
        .contains(Path.of("/p/node_modules/@mui/material"));
    assertThat(PackageRoot.rootDirOf(Path.of("/p/node_modules/b/node_modules/a/index.js")))
        .contains(Path.of("/p/node_modules/b/node_modules/a"));
    assertThat(PackageRoot.rootDirOf(Path.of("/p/node_modules/.pnpm/react@19.3.1/node_modules/react/index.js")))
        .contains(Path.of("/p/node_modules/.pnpm/react@19.3.1/node_modules/react"));
    assertThat(PackageRoot.rootDirOf(Path.of("/p/node_modules/react"))).contains(Path.of("/p/node_modules/react"));
    assertThat(PackageRoot.rootDirOf(Path.of("/p/src/main.js"))).isEmpty();
    assertThat(PackageRoot.rootDirOf(Path.of("/p/node_modules/.vite/deps/react.js"))).isEmpty();
    assertThat(PackageRoot.rootDirOf(Path.of("/p/node_modules/@scope"))).isEmpty();
  }

  @Test
  void nestedPackageJsonDoesNotMakeAPackage() {
    fx.pkg("node_modules/@mui/material", "{'name': '@mui/material', 'version': '9.6.0'}")
        .pkg("node_modules/@mui/material/Button", "{'sideEffects': false, 'module': './index.mjs'}")
        .files("node_modules/@mui/material/Button", "index.mjs");
    PackageRoot root = PackageRoot.of(fx.path("node_modules/@mui/material/Button/index.mjs"), reader);
    assertThat(root).isEqualTo(new PackageRoot(fx.path("node_modules/@mui/material"), "@mui/material", "9.6.0"));

    assertThatThrownBy(() -> PackageRoot.of(fx.path("src/main.js"), reader))
        .isInstanceOf(PrebundledException.class)
        .hasMessageContaining("node_modules");
    fx.files("node_modules/nameless", "index.js").pkg("node_modules/nameless", "{'version': '1.0.0'}");
    assertThatThrownBy(() -> PackageRoot.of(fx.path("node_modules/nameless/index.js"), reader))
        .hasMessageContaining("without a \"name\"");
  }

  @Test
  void formatFromExtensionThenNearestTypeThenContent() {
    fx.pkg("node_modules/esm", "{'name': 'esm', 'type': 'module'}")
        .files("node_modules/esm", "a.js", "b.cjs")
        .pkg("node_modules/plain", "{'name': 'plain'}")
        .files("node_modules/plain", "a.js", "b.mjs", "c.json")
        .pkg("node_modules/plain/esm", "{'type': 'module'}")
        .files("node_modules/plain/esm", "a.js")
        .pkg("node_modules/plain/Button", "{'sideEffects': false}")
        .files("node_modules/plain/Button", "index.js")
        .pkg("node_modules/cjs", "{'name': 'cjs', 'type': 'commonjs'}")
        .files("node_modules/cjs/lib", "a.js")
        .pkg("node_modules/typeless-in-esm-app", "{'name': 'typeless-in-esm-app'}")
        .files("node_modules/typeless-in-esm-app", "a.js")
        .pkg(".", "{'name': 'app', 'type': 'module'}");
    List<Path> checked = new ArrayList<>();
    ModuleFormatDetector detector =
        new ModuleFormatDetector(
            reader,
            file -> {
              checked.add(file);
              return ModuleFormat.COMMONJS;
            });

    assertThat(detector.detect(fx.path("node_modules/esm/a.js"))).isEqualTo(ModuleFormat.ESM);
    assertThat(detector.detect(fx.path("node_modules/esm/b.cjs"))).isEqualTo(ModuleFormat.COMMONJS);
    assertThat(detector.detect(fx.path("node_modules/plain/b.mjs"))).isEqualTo(ModuleFormat.ESM);
    assertThat(detector.detect(fx.path("node_modules/plain/c.json"))).isEqualTo(ModuleFormat.JSON);
    assertThat(detector.detect(fx.path("node_modules/plain/esm/a.js"))).isEqualTo(ModuleFormat.ESM);
    assertThat(detector.detect(fx.path("node_modules/cjs/lib/a.js"))).isEqualTo(ModuleFormat.COMMONJS);
    assertThat(checked).isEmpty();

    assertThat(detector.detect(fx.path("node_modules/plain/a.js"))).isEqualTo(ModuleFormat.COMMONJS);
    assertThat(detector.detect(fx.path("node_modules/plain/Button/index.js"))).isEqualTo(ModuleFormat.COMMONJS);
    // The app's "type": "module" above node_modules must not leak into a package.
    assertThat(detector.detect(fx.path("node_modules/typeless-in-esm-app/a.js"))).isEqualTo(ModuleFormat.COMMONJS);
    assertThat(checked)
        .containsExactly(
            fx.path("node_modules/plain/a.js"),
            fx.path("node_modules/plain/Button/index.js"),
            fx.path("node_modules/typeless-in-esm-app/a.js"));
  }

  @Test
  void readerCachesUntilTheFileChanges() throws Exception {
    fx.pkg("node_modules/c", "{'name': 'c', 'version': '1.0.0'}");
    Path file = fx.path("node_modules/c/package.json");
    PackageJson first = reader.read(file);
    assertThat(reader.read(file)).isSameAs(first);
    assertThat(reader.cachedCount()).isEqualTo(1);

    // Same size, later mtime: read again.
    Files.writeString(file, "{\"name\": \"c\", \"version\": \"2.0.0\"}");
    Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5_000));
    PackageJson second = reader.read(file);
    assertThat(second).isNotSameAs(first);
    assertThat(second.version()).isEqualTo("2.0.0");

    Files.delete(file);
    assertThat(reader.readIfExists(file)).isEmpty();
    assertThatThrownBy(() -> reader.read(file))
        .isInstanceOf(PrebundledException.class)
        .satisfies(e -> assertThat(((PrebundledException) e).code()).isEqualTo(ErrorCode.INVALID_PACKAGE));
  }

  @Test
  void readerKeepsFieldShapesAndRejectsNonObjects() {
    fx.pkg(
        "node_modules/shapes",
        "{'name': 'shapes', 'version': '1.0.0', 'type': 'module', 'main': 'm.js', 'module': 'e.js', 'jsnext:main': 'j.js',"
            + " 'browser': {'./a.js': false}, 'exports': {'.': './e.js'}, 'imports': {'#x': './x.js'}, 'sideEffects': ['*.css']}");
    PackageJson json = reader.read(fx.path("node_modules/shapes/package.json"));
    assertThat(json.name()).isEqualTo("shapes");
    assertThat(json.type()).isEqualTo("module");
    assertThat(json.stringField("jsnext:main")).contains("j.js");
    assertThat(json.browserMap()).isPresent();
    assertThat(json.browserEntry()).isEmpty();
    assertThat(json.hasExports()).isTrue();
    assertThat(json.hasImports()).isTrue();
    assertThat(json.sideEffects().isArray()).isTrue();
    assertThat(json.dir()).isEqualTo(fx.path("node_modules/shapes"));

    fx.file("node_modules/arr/package.json", "[1, 2]");
    assertThatThrownBy(() -> reader.read(fx.path("node_modules/arr/package.json")))
        .hasMessageContaining("not a JSON object")
        .hasMessageContaining(fx.path("node_modules/arr/package.json").toString());
  }
}
