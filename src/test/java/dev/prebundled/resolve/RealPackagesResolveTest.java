package dev.prebundled.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Resolution of real installed packages with Vite 8's client defaults in development. The
 * expected files are what Vite's resolver picks for browser code (conditions module, browser,
 * development, import, default; main fields browser, module, jsnext:main, jsnext, then main).
 */
class RealPackagesResolveTest {

  private static Path project;
  private static PackageJsonReader reader;
  private static ModuleResolver vite;

  @BeforeAll
  static void setUp() {
    project = RealPackages.projectDir();
    reader = new PackageJsonReader();
    vite = new ModuleResolver(ResolutionOptions.viteClient(false), reader);
  }

  @ParameterizedTest(name = "{0} -> {1}/{2}")
  @CsvSource({
    "react,                       react,            index.js",
    "react/jsx-runtime,           react,            jsx-runtime.js",
    "react/jsx-dev-runtime,       react,            jsx-dev-runtime.js",
    "react-dom/client,            react-dom,        client.js",
    "@mui/material/Button,        @mui/material,    Button/index.mjs",
    "@mui/material,               @mui/material,    index.mjs",
    "date-fns/format,             date-fns,         format.js",
    "date-fns,                    date-fns,         index.js",
    // no exports map: deep imports are files
    "lodash/debounce,             lodash,           debounce.js",
    "lodash,                      lodash,           lodash.js",
    // exports: browser -> import (default) -> ./index.js, the ESM source with browser adapters
    "axios,                       axios,            index.js",
    "uuid,                        uuid,             dist/index.js",
    // browser field (string) beats main
    "debug,                       debug,            src/browser.js",
    "preact/hooks,                preact,           hooks/dist/hooks.mjs",
    "rxjs/operators,              rxjs,             dist/esm5/operators/index.js",
    "vue,                         vue,              dist/vue.runtime.esm-bundler.js",
    // "module" precedes "browser" in its exports, and Vite passes the module condition
    "@reduxjs/toolkit/query,      @reduxjs/toolkit, dist/query/rtk-query.modern.mjs",
    "zustand/middleware,          zustand,          esm/middleware.mjs",
    "dayjs/plugin/relativeTime,   dayjs,            plugin/relativeTime.js",
    "dayjs,                       dayjs,            dayjs.min.js",
    // a real package named like a Node builtin wins
    "events,                      events,           events.js",
    "buffer,                      buffer,           index.js",
    "nanoid,                      nanoid,           index.browser.js",
    "use-sync-external-store/shim, use-sync-external-store, shim/index.js"
  })
  void resolvesLikeViteForTheBrowser(String specifier, String packageName, String file) {
    ResolvedModule module = vite.resolve(specifier, project);
    assertThat(module.packageName()).isEqualTo(packageName);
    assertThat(module.relativeFile()).isEqualTo(file);
    assertThat(module.packageRoot()).isEqualTo(project.resolve("node_modules").resolve(packageName));
    assertThat(module.packageVersion()).isEqualTo(reader.readInDir(module.packageRoot()).orElseThrow().version());
    assertThat(module.file()).isRegularFile();
    assertThat(module.browserExcluded()).isFalse();
  }

  @Test
  void productionModeAndRequireConditionsPickOtherBuilds() {
    // axios: the browser condition decides between the browser and the node CommonJS builds.
    ModuleResolver require =
        new ModuleResolver(
            new ResolutionOptions(List.of("browser"), ResolutionOptions.VITE_CLIENT_MAIN_FIELDS, ResolutionOptions.DEFAULT_EXTENSIONS, false, true),
            reader);
    assertThat(require.resolve("axios", project).relativeFile()).isEqualTo("dist/browser/axios.cjs");
    ModuleResolver nodeRequire =
        new ModuleResolver(
            new ResolutionOptions(List.of("node"), List.of(), ResolutionOptions.DEFAULT_EXTENSIONS, false, true), reader);
    assertThat(nodeRequire.resolve("axios", project).relativeFile()).isEqualTo("dist/node/axios.cjs");
    // Without Vite's module/browser conditions, RTK Query gets its browser build only via browser.
    ModuleResolver browserOnly =
        new ModuleResolver(ResolutionOptions.viteClient(false).withConditions(List.of("browser")), reader);
    assertThat(browserOnly.resolve("@reduxjs/toolkit/query", project).relativeFile())
        .isEqualTo("dist/query/rtk-query.browser.mjs");
    // Without the browser main field, debug falls back to main.
    ModuleResolver noBrowserField =
        new ModuleResolver(ResolutionOptions.viteClient(false).withMainFields(List.of("module")), reader);
    assertThat(noBrowserField.resolve("debug", project).relativeFile()).isEqualTo("src/index.js");
  }

  @Test
  void muiButtonIsPartOfTheMaterialPackage() {
    ResolvedModule button = vite.resolve("@mui/material/Button", project);
    PackageRoot root = PackageRoot.of(button.file(), reader);
    assertThat(root.name()).isEqualTo("@mui/material");
    assertThat(root.dir()).isEqualTo(button.packageRoot());
    assertThat(root.version()).isEqualTo("9.6.0");
  }

  @Test
  void unexportedRealSubpathsAreRefused() {
    assertThatThrownBy(() -> vite.resolve("react/cjs/react.development.js", project))
        .isInstanceOf(ModuleNotFoundException.class)
        .hasMessageContaining("'react'")
        .hasMessageContaining("./cjs/react.development.js")
        .hasMessageContaining(project.resolve("node_modules/react/package.json").toString());
  }

  @Test
  void everyCorpusSpecifierResolvesAndTheCacheIsShared() throws Exception {
    PackageJsonReader fresh = new PackageJsonReader();
    ModuleResolver resolver = new ModuleResolver(ResolutionOptions.viteClient(false), fresh);
    List<String> specifiers = Corpus.specifiers(false);
    assertThat(specifiers).hasSizeGreaterThan(50);
    for (int round = 0; round < 20; round++) {
      for (String specifier : specifiers) {
        ResolvedModule module = resolver.resolve(specifier, project);
        assertThat(module.file()).as(specifier).isRegularFile();
      }
    }
    // 20 rounds over the corpus read each package.json once (plus the project's own).
    assertThat(fresh.cachedCount()).isLessThanOrEqualTo(specifiers.size() + 1);
  }
}
