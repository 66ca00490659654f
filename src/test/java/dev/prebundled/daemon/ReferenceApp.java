package dev.prebundled.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prebundled.daemon.Messages.ImportSpec;
import dev.prebundled.resolve.BareSpecifier;
import dev.prebundled.resolve.ModuleResolver;
import dev.prebundled.resolve.PackageJsonReader;
import dev.prebundled.resolve.PackageRoot;
import dev.prebundled.resolve.ResolutionOptions;
import dev.prebundled.rpc.RpcClient;
import dev.prebundled.testing.TestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The project's copy of the reference app (src/e2e/reference-app, installed by scripts/setup) and
 * the requests a client such as the Vite plugin sends for it: what a {@code scan} finds, turned
 * into {@code bundle} imports the way the plugin does (package root, name, version, entry).
 */
final class ReferenceApp {
  private ReferenceApp() {}

  static Path root() {
    Path app = TestPaths.projectDir().resolve("src/e2e/reference-app");
    if (!Files.isDirectory(app.resolve("node_modules/react"))) {
      throw new AssertionError("the reference app is not installed at " + app + ": run scripts/setup");
    }
    return app;
  }

  /** The bare imports the daemon's own scan finds in the app, Node builtins left out. */
  static List<String> scan(RpcClient client, Path app) {
    JsonNode reply = client.call("scan", Map.of("root", app.toString(), "mode", "development"), 60_000);
    List<String> specifiers = new ArrayList<>();
    reply.get("imports").forEach(i -> specifiers.add(i.get("specifier").asText()));
    return specifiers;
  }

  static List<ImportSpec> importsOf(Path app, List<String> specifiers) {
    PackageJsonReader reader = new PackageJsonReader();
    ModuleResolver resolver = new ModuleResolver(ResolutionOptions.viteClient(false), reader);
    List<ImportSpec> imports = new ArrayList<>();
    for (String specifier : specifiers) {
      BareSpecifier bare = BareSpecifier.parse(specifier);
      Path dir = resolver.findPackageDir(bare.packageName(), app).orElseThrow(() -> new AssertionError(specifier + " is not installed"));
      PackageRoot root = PackageRoot.ofDir(dir, reader);
      imports.add(new ImportSpec(specifier, dir.toString(), root.name(), root.version(), bare.subpath()));
    }
    return imports;
  }

  static Map<String, Object> bundleParams(Path app, List<ImportSpec> imports) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("project", app.toString());
    params.put("mode", "development");
    params.put("imports", imports);
    return params;
  }
}
