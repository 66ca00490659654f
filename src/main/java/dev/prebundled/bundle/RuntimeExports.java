package dev.prebundled.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prebundled.esbuild.BuildOptions;
import dev.prebundled.esbuild.BuildResult;
import dev.prebundled.esbuild.EsbuildService;
import dev.prebundled.esbuild.OutputFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export names a CommonJS entry has when it runs, which no lexer can see: {@code
 * module.exports = factory()}, UMD wrappers, properties added to an exported function. Vite's
 * interop spreads the runtime {@code module.exports} into the namespace, so users import those
 * names; a static facade must export them too. Each CommonJS entry is bundled as CommonJS (other
 * packages external) and evaluated once by Node in a sandbox with browser-like globals; its own
 * enumerable keys are the names. Without Node, or when the code throws, the lexer's names stand.
 */
final class RuntimeExports {
  /** What one CommonJS entry's {@code module.exports} has at run time: its own enumerable keys, and whether it is marked {@code __esModule}. */
  record View(Set<String> keys, boolean esModule) {}

  private static final Logger log = LoggerFactory.getLogger(RuntimeExports.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NODE_TIMEOUT_SECONDS = 30;

  private final EsbuildService esbuild;
  private final Optional<Path> node;
  private final String script;

  RuntimeExports(EsbuildService esbuild, Optional<Path> node) {
    this.esbuild = esbuild;
    this.node = node;
    this.script = readScript();
  }

  /** Node from {@code PREBUNDLED_NODE} (the plugin passes its own), else the first on {@code PATH}. */
  static Optional<Path> locateNode() {
    String configured = System.getenv("PREBUNDLED_NODE");
    if (configured != null && !configured.isBlank()) return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    String path = System.getenv("PATH");
    if (path == null) return Optional.empty();
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path candidate = Path.of(dir, "node");
      if (Files.isExecutable(candidate)) return Optional.of(candidate);
    }
    return Optional.empty();
  }

  /**
   * The run-time view of each CommonJS entry (subpath → file), or no entry for a subpath whose
   * code could not be evaluated. {@code flags} are the unit's resolution and define flags.
   */
  Map<String, View> viewsOf(Path root, Map<String, Path> commonJsEntries, List<String> flags) {
    if (commonJsEntries.isEmpty() || node.isEmpty()) return Map.of();
    Map<String, String> codeBySubpath = bundleAsCommonJs(root, commonJsEntries, flags);
    if (codeBySubpath.isEmpty()) return Map.of();
    try {
      return evaluate(codeBySubpath);
    } catch (IOException | RuntimeException e) {
      log.warn("finding the run-time exports of {} with {} failed: {}", root, node.get(), e.toString());
      return Map.of();
    }
  }

  private Map<String, String> bundleAsCommonJs(Path root, Map<String, Path> entries, List<String> flags) {
    Path outdir = root.resolve(".prebundled-probe"); // never written
    BuildOptions.Builder options = BuildOptions.builder().workingDir(root).write(false);
    Map<String, String> subpathByOutput = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, Path> entry : entries.entrySet()) {
      String name = "entry" + i++;
      options.entryPoint(name, entry.getValue().toString());
      subpathByOutput.put(outdir.resolve(name + ".js").toString(), entry.getKey());
    }
    options.flags("--bundle", "--format=cjs", "--platform=browser", "--packages=external", "--outdir=" + outdir,
        "--log-level=silent", "--log-limit=0");
    options.flags(flags);
    BuildResult result = esbuild.buildAndWait(options.build());
    if (!result.succeeded()) {
      log.debug("the CommonJS probe build of {} failed: {}", root, result.errors());
      return Map.of();
    }
    Map<String, String> code = new LinkedHashMap<>();
    for (OutputFile file : result.outputFiles()) {
      String subpath = subpathByOutput.get(file.path().toString());
      if (subpath != null) code.put(subpath, file.text());
    }
    return code;
  }

  private Map<String, View> evaluate(Map<String, String> codeBySubpath) throws IOException {
    ObjectNode input = JSON.createObjectNode();
    ArrayNode list = input.putArray("entries");
    codeBySubpath.forEach((subpath, code) -> list.addObject().put("key", subpath).put("code", code));
    Process process = new ProcessBuilder(node.get().toString(), "-e", script).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    try (OutputStream stdin = process.getOutputStream()) {
      JSON.writeValue(stdin, input);
    }
    try {
      if (!process.waitFor(NODE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("node took more than " + NODE_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    JsonNode results = JSON.readTree(output.join()).path("results");
    Map<String, View> views = new LinkedHashMap<>();
    for (String subpath : codeBySubpath.keySet()) {
      JsonNode result = results.path(subpath);
      if (!result.has("keys")) {
        log.debug("{} did not evaluate: {}", subpath, result.path("error").asText("no result"));
        continue;
      }
      Set<String> keys = new LinkedHashSet<>();
      result.get("keys").forEach(k -> keys.add(k.asText()));
      views.put(subpath, new View(keys, result.path("esModule").asBoolean()));
    }
    return views;
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readScript() {
    try (InputStream in = RuntimeExports.class.getResourceAsStream("runtime-exports.cjs")) {
      if (in == null) throw new IllegalStateException("runtime-exports.cjs is missing from the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
