package dev.prebundled.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.prebundled.error.PrebundledException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test of the {@code exports}/{@code imports} algorithm against Node itself, run once
 * per condition set as a child process that calls {@code import.meta.resolve} for every request.
 *
 * <p>Requests: every specifier of the corpus whose package has an {@code exports} map, every
 * literal key of those maps, every pattern key with a sample, and every {@code #import} key of
 * those packages (resolved from inside the package). Packages without {@code exports} are left
 * out on purpose: there Node's ESM resolver reads only {@code main} (and refuses extension-less
 * deep imports such as {@code lodash/debounce}), while Vite, like every bundler, honours the
 * {@code browser}/{@code module} main fields and extension and index fallbacks, so the two
 * legitimately differ (debug: Node gives {@code src/index.js}, Vite {@code src/browser.js}).
 *
 * <p>Node always adds its own {@code node} condition (plus {@code module-sync} and
 * {@code node-addons}) on top of {@code --conditions}, so the flags alone cannot express a
 * browser condition set. The first oracle therefore installs a resolve hook that hands Node's
 * default resolver exactly {@code [browser, development, import]} ({@code default} always
 * matches); the second runs the literal {@code --conditions=browser --conditions=development}
 * command and the Java side is given Node's full effective set. Both must agree file for file;
 * where one side refuses, the other must refuse too.
 */
class NodeOracleDifferentialTest {

  private static final String HOOKS =
      "export async function resolve(specifier, context, next) {\n"
          + "  return next(specifier, { ...context, conditions: JSON.parse(process.env.ORACLE_CONDITIONS) });\n"
          + "}\n";

  private static final String ORACLE =
      "import { register } from 'node:module';\n"
          + "import { pathToFileURL, fileURLToPath } from 'node:url';\n"
          + "import { readFileSync } from 'node:fs';\n"
          + "const [requestsFile, hooksFile] = process.argv.slice(2);\n"
          + "if (hooksFile) register(pathToFileURL(hooksFile));\n"
          + "const out = [];\n"
          + "for (const { specifier, parent } of JSON.parse(readFileSync(requestsFile, 'utf8'))) {\n"
          + "  try {\n"
          + "    const url = import.meta.resolve(specifier, pathToFileURL(parent).href);\n"
          + "    out.push({ specifier, parent, file: url.startsWith('file:') ? fileURLToPath(url) : url });\n"
          + "  } catch (e) {\n"
          + "    out.push({ specifier, parent, error: String(e.code), message: e.message });\n"
          + "  }\n"
          + "}\n"
          + "process.stdout.write(JSON.stringify(out));\n";

  private record Request(String specifier, Path parentDir, boolean corpus) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static Path project;
  private static List<Request> requests;

  @TempDir static Path tmp;

  @BeforeAll
  static void collectRequests() throws IOException {
    project = RealPackages.projectDir();
    requests = new ArrayList<>();
    List<String> corpus = Corpus.specifiers(true);
    corpus.forEach(specifier -> requests.add(new Request(specifier, project, true)));
    Map<String, Boolean> seen = new LinkedHashMap<>();
    corpus.forEach(specifier -> seen.put(specifier, true));
    for (String name : corpusPackagesWithExports()) {
      Path dir = project.resolve("node_modules").resolve(name);
      JsonNode packageJson = MAPPER.readTree(dir.resolve("package.json").toFile());
      JsonNode exports = packageJson.get("exports");
      if (exports.isObject() && exports.fieldNames().hasNext() && exports.fieldNames().next().startsWith(".")) {
        for (Iterator<String> keys = exports.fieldNames(); keys.hasNext(); ) {
          String key = keys.next();
          for (String subpath : samples(key)) {
            String specifier = subpath.equals(".") ? name : name + subpath.substring(1);
            if (seen.putIfAbsent(specifier, true) == null) {
              requests.add(new Request(specifier, project, false));
            }
          }
        }
      }
      // Unexported internals must be refused by both.
      requests.add(new Request(name + "/package-internal-not-exported.js", project, false));
      JsonNode imports = packageJson.get("imports");
      if (imports != null && imports.isObject()) {
        for (Iterator<String> keys = imports.fieldNames(); keys.hasNext(); ) {
          for (String key : samples(keys.next())) {
            requests.add(new Request(key, dir, false));
          }
        }
        requests.add(new Request("#not-defined-import", dir, false));
      }
    }
  }

  // A literal key as is; a pattern key with a few sample matches (which may or may not exist).
  private static List<String> samples(String key) {
    if (key.endsWith("/")) {
      return List.of(); // folder mappings: removed from Node, deprecated in Vite
    }
    if (!key.contains("*")) {
      return List.of(key);
    }
    return List.of(key.replace("*", "index"), key.replace("*", "middleware"), key.replace("*", "Button"), key.replace("*", "core/settle"));
  }

  private static List<String> corpusPackagesWithExports() throws IOException {
    List<String> names = new ArrayList<>();
    for (JsonNode entry : MAPPER.readTree(Corpus.FILE.toFile()).get("packages")) {
      String name = entry.get("name").asText();
      if (MAPPER.readTree(project.resolve("node_modules").resolve(name).resolve("package.json").toFile()).has("exports")) {
        names.add(name);
      }
    }
    return names;
  }

  @Test
  void javaMatchesNodeWithExactlyTheBrowserDevelopmentConditions() throws Exception {
    JsonNode node = runNode(List.of(), "[\"browser\",\"development\",\"import\"]");
    ModuleResolver java =
        new ModuleResolver(
            ResolutionOptions.viteClient(false).withConditions(List.of("browser", "development")),
            new PackageJsonReader());
    assertThat(java.options().conditionSet()).containsExactlyInAnyOrder("browser", "development", "import", "default");
    compare(node, java, "hook [browser, development, import, default]");
  }

  @Test
  void javaWithViteDefaultsMatchesNodeGivenVitesConditionSet() throws Exception {
    // Vite's own set (module, browser, development + import, default). Java additionally applies
    // Vite's main-field and object-browser-field rules, which must not change any exports result
    // of these packages.
    JsonNode node = runNode(List.of(), "[\"module\",\"browser\",\"development\",\"import\"]");
    compare(node, new ModuleResolver(ResolutionOptions.viteClient(false), new PackageJsonReader()), "hook Vite client set");
  }

  @Test
  void javaMatchesNodeRunWithConditionFlags() throws Exception {
    JsonNode node = runNode(List.of("--conditions=browser", "--conditions=development"), null);
    // Node's defaults are added to the flags: node, import, module-sync (Node >= 20.19), node-addons.
    ModuleResolver java =
        new ModuleResolver(
            ResolutionOptions.viteClient(false)
                .withConditions(List.of("node", "module-sync", "node-addons", "browser", "development")),
            new PackageJsonReader());
    compare(node, java, "flags --conditions=browser --conditions=development");
  }

  private void compare(JsonNode node, ModuleResolver java, String label) {
    assertThat(node.size()).isEqualTo(requests.size());
    List<String> mismatches = new ArrayList<>();
    int sameFile = 0;
    int bothRefuse = 0;
    int corpusSame = 0;
    int viteExtension = 0;
    for (int i = 0; i < requests.size(); i++) {
      Request request = requests.get(i);
      JsonNode expected = node.get(i);
      assertThat(expected.get("specifier").asText()).isEqualTo(request.specifier());
      String javaFile;
      String javaError = null;
      try {
        javaFile = java.resolve(request.specifier(), request.parentDir()).file().toString();
      } catch (PrebundledException e) {
        javaFile = null;
        javaError = e.code() + ": " + e.getMessage();
      }
      if (expected.has("file") && !Files.exists(Path.of(expected.get("file").asText()))) {
        // import.meta.resolve returns the mapped URL even when no file is there (it only maps).
        // Java must then name that same path in its refusal, or, like Vite (which tries
        // extensions after an exports target), find it with an added extension.
        String mapped = expected.get("file").asText();
        if (javaFile == null && javaError.contains("but " + mapped + " does not exist")) {
          bothRefuse++;
        } else if (javaFile != null && javaFile.startsWith(mapped + ".")
            && java.options().extensions().contains(javaFile.substring(mapped.length()))) {
          viteExtension++;
          System.out.printf("[oracle %s] %s: Node maps to missing %s, Java (like Vite) adds the extension%n", label, request.specifier(), mapped);
        } else {
          mismatches.add(request.specifier() + ": node maps to missing " + mapped + ", java " + (javaFile != null ? javaFile : javaError));
        }
      } else if (expected.has("file")) {
        if (expected.get("file").asText().equals(javaFile)) {
          sameFile++;
          corpusSame += request.corpus() ? 1 : 0;
        } else {
          mismatches.add(request.specifier() + " from " + request.parentDir() + ": node " + expected.get("file").asText()
              + ", java " + (javaFile != null ? javaFile : javaError));
        }
      } else if (javaFile == null) {
        bothRefuse++;
      } else {
        mismatches.add(request.specifier() + ": node " + expected.get("error").asText() + " ("
            + expected.get("message").asText() + "), java " + javaFile);
      }
    }
    long corpusCount = requests.stream().filter(Request::corpus).count();
    System.out.printf(
        "[oracle %s] %d requests (%d corpus): %d same file (%d corpus), %d refused by both,"
            + " %d found by Vite's extension fallback, %d mismatches%n",
        label, requests.size(), corpusCount, sameFile, corpusSame, bothRefuse, viteExtension, mismatches.size());
    assertThat(mismatches).as("Java vs Node (%s)", label).isEmpty();
    assertThat(corpusSame).as("every corpus specifier resolves to a file").isEqualTo((int) corpusCount);
  }

  private JsonNode runNode(List<String> flags, String exactConditions) throws Exception {
    Path requestsFile = tmp.resolve("requests-" + System.nanoTime() + ".json");
    ArrayNode array = MAPPER.createArrayNode();
    for (Request request : requests) {
      // The parent is a module file in the importing directory, as import.meta.resolve expects.
      array.addObject().put("specifier", request.specifier()).put("parent", request.parentDir().resolve("oracle-importer.mjs").toString());
    }
    Files.writeString(requestsFile, MAPPER.writeValueAsString(array));
    Path oracle = tmp.resolve("oracle.mjs");
    Path hooks = tmp.resolve("hooks.mjs");
    Files.writeString(oracle, ORACLE);
    Files.writeString(hooks, HOOKS);

    List<String> command = new ArrayList<>(List.of("node", "--no-warnings", "--experimental-import-meta-resolve"));
    command.addAll(flags);
    command.add(oracle.toString());
    command.add(requestsFile.toString());
    if (exactConditions != null) {
      command.add(hooks.toString());
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile());
    if (exactConditions != null) {
      builder.environment().put("ORACLE_CONDITIONS", exactConditions);
    }
    Path stderr = tmp.resolve("node-stderr.txt");
    builder.redirectError(stderr.toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return fail("The Node oracle needs `node` on the PATH (Node >= 20.6): " + e.getMessage());
    }
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      return fail("Node oracle failed: " + Files.readString(stderr) + new String(out, StandardCharsets.UTF_8));
    }
    return MAPPER.readTree(out);
  }
}
