package dev.prebundled.esbuild;

import static dev.prebundled.esbuild.EsbuildFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prebundled.testing.NodeRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trap of DESIGN section 4: in ESM output, a CommonJS {@code require()} of an external package
 * becomes {@code __require("x")}, which throws in a browser (and in Node's ESM loader). Shown for
 * real, then solved with a pair of virtual modules written as a Java plugin; Node imports both
 * outputs to prove it.
 */
class DynamicRequireTrapTest {
  private static EsbuildService service;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    service = EsbuildService.start(EsbuildFixtures.binary());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @BeforeEach
  void packages() {
    write(dir, "node_modules/greet-esm/package.json", "{\"name\":\"greet-esm\",\"type\":\"module\",\"main\":\"index.js\"}");
    write(dir, "node_modules/greet-esm/index.js", "export default function greet(n) { return 'hi ' + n; }\nexport const tag = 'esm';\n");
    write(dir, "node_modules/greet-cjs/package.json", "{\"name\":\"greet-cjs\",\"main\":\"index.js\"}");
    write(dir, "node_modules/greet-cjs/index.js", "module.exports = function (n) { return 'yo ' + n; };\nmodule.exports.tag = 'cjs';\n");
    write(dir, "lib.cjs", """
        const g = require('greet-esm');
        const c = require('greet-cjs');
        module.exports = [g.default('a'), c('b'), g.tag, c.tag, g.__esModule === true].join('|');
        """);
    write(dir, "entry.mjs", "import value from './lib.cjs';\nexport default value;\n");
  }

  private BuildResult build(EsbuildPlugin... plugins) {
    BuildOptions.Builder options = BuildOptions.builder()
        .workingDir(dir)
        .entryPoint("entry.mjs")
        .write(true)
        .flags("--bundle", "--format=esm", "--platform=browser", "--packages=external", "--log-level=silent",
            "--outfile=" + dir.resolve("out/bundle.mjs"));
    for (EsbuildPlugin plugin : plugins) options.plugin(plugin);
    BuildResult result = service.buildAndWait(options.build());
    assertThat(result.errors()).isEmpty();
    return result;
  }

  private NodeRunner.Result importOutput() {
    return NodeRunner.run(dir, "--input-type=module", "-e", "const m = await import('./out/bundle.mjs'); console.log(m.default)");
  }

  @Test
  void externalRequireInEsmOutputThrowsDynamicRequire() throws IOException {
    build();
    assertThat(Files.readString(dir.resolve("out/bundle.mjs"))).contains("__require(\"greet-esm\")");
    NodeRunner.Result run = importOutput();
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr()).contains("Dynamic require of \"greet-esm\" is not supported");
  }

  @Test
  void aPairOfVirtualModulesHoistsTheImportAndKeepsInterop() throws IOException {
    build(new RequireFacadePlugin());
    String output = Files.readString(dir.resolve("out/bundle.mjs"));
    assertThat(output).doesNotContain("__require(\"greet");
    assertThat(output).containsPattern("import \\* as \\w+ from \"greet-esm\"");
    assertThat(importOutput().requireSuccess().stdout().strip()).isEqualTo("hi a|yo b|esm|cjs|true");
  }

  /**
   * The facade of DESIGN section 4, reduced to what this test needs: the CommonJS module answers
   * require(), the ESM module holds the hoisted import. One module cannot do both, because esbuild
   * treats a file that has {@code import} as ESM.
   */
  private final class RequireFacadePlugin implements EsbuildPlugin {
    @Override
    public String name() {
      return "require-facade";
    }

    @Override
    public void setup(PluginBuild build) {
      build.onResolve("^esm-import:", args -> Optional.of(OnResolveResult.virtual(args.path().substring(11), "esm-import")));
      build.onResolve("^[^./]", args -> args.kind() == ResolveKind.REQUIRE_CALL
          ? Optional.of(OnResolveResult.virtual(args.path(), "cjs-require"))
          : Optional.empty());
      build.onLoad(".*", "esm-import", args ->
          Optional.of(OnLoadResult.js("import * as ns from '" + args.path() + "';\nexport { ns };\n", dir.toString())));
      build.onLoad(".*", "cjs-require", args -> {
        boolean esmTarget = Files.readString(dir.resolve("node_modules/" + args.path() + "/package.json")).contains("\"module\"");
        String exportsExpression = esmTarget
            ? "Object.defineProperty(Object.assign({}, ns), '__esModule', { value: true })"
            : "ns.default";
        return Optional.of(OnLoadResult.js(
            "const { ns } = require('esm-import:" + args.path() + "');\nmodule.exports = " + exportsExpression + ";\n",
            dir.toString()));
      });
    }
  }
}
