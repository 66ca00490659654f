package dev.prebundled.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prebundled.esbuild.EsbuildBinary;
import dev.prebundled.esbuild.EsbuildService;
import dev.prebundled.resolve.ModuleFormat;
import dev.prebundled.testing.Corpus;
import dev.prebundled.testing.Corpus.CorpusPackage;
import dev.prebundled.testing.NodeRunner;
import dev.prebundled.testing.TestPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every package and import of the corpus bundles, and Node's ESM loader sees in our output the
 * same export names as in the original package, plus for CommonJS the keys its module.exports
 * has when it runs, which Vite's interop exposes (Node is the oracle where it can load the
 * original; elsewhere esbuild's metafile of our own build is). Bare imports between bundles are
 * resolved to our outputs by a loader hook, as the Vite plugin will do in the browser, so React
 * checks run against one React instance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorpusBundleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path NODE_SCRIPTS = TestPaths.projectDir().resolve("src/test/npm/scripts");

  private Path out;
  private EsbuildService esbuild;
  private final Map<String, BundleResult> results = new LinkedHashMap<>();
  private final Map<String, Path> outputBySpecifier = new TreeMap<>();
  private final Map<String, Path> sourceBySpecifier = new TreeMap<>();
  private Path mapFile;

  @BeforeAll
  void bundleTheCorpus(@TempDir Path dir) throws IOException {
    out = dir;
    esbuild = EsbuildService.start(EsbuildBinary.locate(EsbuildBinary.Lookup.standard(Optional.empty(), Optional.empty())));
    PackageBundler bundler = new PackageBundler(esbuild);
    Path packages = TestPaths.testPackages();
    for (CorpusPackage p : Corpus.packages()) {
      Path root = packages.resolve(p.name());
      List<String> subpaths = p.imports().stream().map(p::subpathOf).toList();
      BundleResult result = bundler.bundle(PackageUnit.of(p.name(), p.version(), root, subpaths, BuildMode.DEVELOPMENT));
      results.put(p.name(), result);
      Path unitDir = out.resolve(p.name().replace('/', '+'));
      Files.createDirectories(unitDir);
      Files.writeString(unitDir.resolve("package.json"), "{\"type\":\"module\"}");
      for (BundledFile file : result.files()) Files.write(unitDir.resolve(file.name()), file.contents());
      for (String specifier : p.imports()) {
        EntryOutput entry = result.entries().get(p.subpathOf(specifier));
        outputBySpecifier.put(specifier, unitDir.resolve(entry.file()));
        sourceBySpecifier.put(specifier, root.resolve(entry.source()));
      }
    }
    mapFile = out.resolve("map.json");
    Map<String, String> map = new TreeMap<>();
    outputBySpecifier.forEach((k, v) -> map.put(k, v.toString()));
    JSON.writeValue(mapFile.toFile(), map);
  }

  @AfterAll
  void stop() {
    esbuild.close();
  }

  private NodeRunner.Result nodeWithLoader(String... args) {
    List<String> all = new ArrayList<>(List.of("--import", NODE_SCRIPTS.resolve("register-loader.mjs").toString()));
    all.addAll(List.of(args));
    return NodeRunner.runWithEnv(out, Map.of("PREBUNDLED_MAP", mapFile.toString(),
        "PREBUNDLED_PACKAGES", TestPaths.testPackages().toString()), all.toArray(String[]::new));
  }

  @Test
  void everyImportHasTheExportNamesNodeSeesInTheOriginal() throws IOException {
    Path ours = out.resolve("ours.json");
    JSON.writeValue(ours.toFile(), outputBySpecifier.values().stream().map(Path::toString).toList());
    JsonNode oursSeen = JSON.readTree(nodeWithLoader(NODE_SCRIPTS.resolve("namespaces.mjs").toString(), ours.toString()).requireSuccess().stdout());

    // The original is the very file our resolver chose (browser field and conditions applied), so
    // this compares how Node and our bundle interpret the same source; the choice of file itself
    // is checked against Node in dev.prebundled.resolve.
    Path originals = out.resolve("originals.json");
    JSON.writeValue(originals.toFile(), sourceBySpecifier.values().stream().map(Path::toString).toList());
    JsonNode originalSeen = JSON.readTree(NodeRunner.run(TestPaths.testPackages().getParent(),
        NODE_SCRIPTS.resolve("namespaces.mjs").toString(), originals.toString()).requireSuccess().stdout());

    List<String> rows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int comparedWithNode = 0;
    for (Map.Entry<String, Path> e : outputBySpecifier.entrySet()) {
      String specifier = e.getKey();
      JsonNode mine = oursSeen.path(e.getValue().toString());
      JsonNode original = originalSeen.path(sourceBySpecifier.get(specifier).toString());
      if (mine.has("error")) {
        failures.add(specifier + ": Node cannot import our output: " + mine.path("error").asText());
        continue;
      }
      TreeSet<String> myNames = names(mine.path("names"));
      TreeSet<String> expected;
      String oracle;
      if (original.has("error")) {
        expected = new TreeSet<>(metafileExports(specifier));
        oracle = "esbuild metafile (Node cannot load the original: " + original.path("error").asText().split(" \\| ")[0] + ")";
      } else {
        expected = names(original.path("names"));
        // Vite's interop spreads a CommonJS module.exports into the namespace: the names it has
        // when it runs count too (Node's default export is that module.exports).
        if (formatOf(specifier) == ModuleFormat.COMMONJS) expected.addAll(names(original.path("defaultKeys")));
        oracle = "Node";
        comparedWithNode++;
      }
      String myDefault = mine.path("defaultType").asText();
      String expectedDefault = original.has("error") ? myDefault : original.path("defaultType").asText();
      if (!myDefault.equals(expectedDefault)) {
        String row = String.format("DIFF   %-45s default is %s, expected %s", specifier, myDefault, expectedDefault);
        rows.add(row);
        failures.add(row);
      } else if (myNames.equals(expected)) {
        rows.add(String.format("same   %-45s %4d names (oracle: %s)", specifier, myNames.size(), oracle));
      } else {
        TreeSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(myNames);
        TreeSet<String> extra = new TreeSet<>(myNames);
        extra.removeAll(expected);
        String row = String.format("DIFF   %-45s missing %s extra %s (oracle: %s)", specifier, missing, extra, oracle);
        rows.add(row);
        failures.add(row);
      }
    }
    System.out.println("Corpus export names, our bundle vs the original:\n  " + String.join("\n  ", rows));
    assertThat(failures).as("imports whose export names differ").isEmpty();
    int corpusImports = Corpus.packages().stream().mapToInt(p -> p.imports().size()).sum();
    assertThat(rows).hasSize(corpusImports).hasSizeGreaterThanOrEqualTo(50);
    // Node cannot load a few originals (rxjs's ESM build uses extension-less relative imports).
    assertThat(comparedWithNode).as("imports compared against Node itself").isGreaterThanOrEqualTo(corpusImports * 9 / 10);
  }

  @Test
  void reactDomClientAndReactRenderAComponentWithHooksOnOneReact() {
    String html = nodeWithLoader(NODE_SCRIPTS.resolve("render-react.mjs").toString()).requireSuccess().stdout();
    assertThat(html).isEqualTo("<p id=\"out\">count 3</p>");
  }

  @Test
  void preactHooksWorkWithPreact() {
    String html = nodeWithLoader(NODE_SCRIPTS.resolve("render-preact.mjs").toString()).requireSuccess().stdout();
    assertThat(html).isEqualTo("<p>count 3</p>");
  }

  @Test
  void lodashEsComesOutAsOneEntryFileAndFewChunks() {
    BundleResult lodash = results.get("lodash-es");
    assertThat(lodash.entries().get(".").exports()).hasSizeGreaterThan(300);
    assertThat(lodash.files()).hasSizeLessThanOrEqualTo(4);
  }

  @Test
  void reactDomClientSharesReactDomInsideOneUnit() {
    BundleResult reactDom = results.get("react-dom");
    assertThat(reactDom.externals()).contains("react", "scheduler").doesNotContain("react-dom");
    String client = text(reactDom, reactDom.entries().get("./client").file());
    assertThat(client).doesNotContain("from \"react-dom\"");
  }

  @Test
  void theSameUnitBuildsToTheSameBytes() {
    PackageBundler bundler = new PackageBundler(esbuild);
    BundleResult first = results.get("@mui/material");
    BundleResult again = bundler.bundle(first.unit());
    assertThat(again.files()).extracting(BundledFile::name, BundledFile::sha256)
        .containsExactlyElementsOf(first.files().stream().map(f -> org.assertj.core.groups.Tuple.tuple(f.name(), f.sha256())).toList());
  }

  private ModuleFormat formatOf(String specifier) {
    return entryOf(specifier).sourceFormat();
  }

  private List<String> metafileExports(String specifier) {
    return entryOf(specifier).exports();
  }

  private EntryOutput entryOf(String specifier) {
    for (BundleResult result : results.values()) {
      for (EntryOutput entry : result.entries().values()) {
        if (result.unit().specifierOf(entry.entry()).equals(specifier)) return entry;
      }
    }
    throw new AssertionError("no entry for " + specifier);
  }

  private static TreeSet<String> names(JsonNode array) {
    TreeSet<String> names = new TreeSet<>();
    array.forEach(n -> names.add(n.asText()));
    return names;
  }

  private static String text(BundleResult result, String file) {
    return result.files().stream().filter(f -> f.name().equals(file)).findFirst()
        .map(f -> new String(f.contents(), java.nio.charset.StandardCharsets.UTF_8)).orElseThrow();
  }
}
