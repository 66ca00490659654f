package dev.prebundled.esbuild;

import static dev.prebundled.esbuild.EsbuildFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.testing.NodeRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java client against the real esbuild 0.28.2 binary, one child shared by the whole class. */
class EsbuildServiceTest {
  private static EsbuildService service;

  @TempDir Path dir;

  @BeforeAll
  static void startService() {
    service = EsbuildService.start(EsbuildFixtures.binary());
  }

  @AfterAll
  static void stopService() {
    service.close();
  }

  private static BuildOptions.Builder bundle(Path workingDir, String... entries) {
    BuildOptions.Builder builder =
        BuildOptions.builder()
            .workingDir(workingDir)
            .flags("--bundle", "--format=esm", "--platform=browser", "--log-level=silent", "--outdir=" + workingDir.resolve("out"));
    for (String entry : entries) builder.entryPoint(entry);
    return builder;
  }

  private static String only(BuildResult result) {
    assertThat(result.errors()).isEmpty();
    assertThat(result.outputFiles()).hasSize(1);
    return result.outputFiles().get(0).text();
  }

  @Test
  void bundlesAnEsmEntryWithItsImports() {
    write(dir, "src/math.js", "export const double = (x) => x * 2;\nexport const unused = 1;\n");
    write(dir, "src/index.js", "import { double } from './math.js';\nexport const answer = double(21);\n");
    String output = only(service.buildAndWait(bundle(dir, "src/index.js").build()));
    assertThat(output).contains("x * 2").contains("export {").contains("answer");
    assertThat(output).doesNotContain("import ");
  }

  @Test
  void bundlesCommonJsIntoEsmThatNodeCanImport() throws Exception {
    write(dir, "lib/greet.js", "exports.greet = function (n) { return 'hello ' + n; };\n");
    write(dir, "entry.mjs", "import { greet } from './lib/greet.js';\nexport default greet('cjs');\n");
    BuildResult result = service.buildAndWait(bundle(dir, "entry.mjs").write(true).flags("--platform=node").build());
    assertThat(result.errors()).isEmpty();
    assertThat(result.outputFiles()).isEmpty(); // written to disk, not returned
    Path out = dir.resolve("out/entry.js");
    Files.move(out, dir.resolve("out/entry.mjs"));
    NodeRunner.Result run = NodeRunner.run(dir, "--input-type=module", "-e",
        "import v from './out/entry.mjs'; console.log(v)").requireSuccess();
    assertThat(run.stdout().strip()).isEqualTo("hello cjs");
  }

  @Test
  void twoEntriesWithSplittingShareOneChunk() {
    write(dir, "shared.js", "export const SHARED_MARKER = { id: 'shared-module-instance' };\n");
    write(dir, "a.js", "import { SHARED_MARKER } from './shared.js';\nexport const a = SHARED_MARKER;\n");
    write(dir, "b.js", "import { SHARED_MARKER } from './shared.js';\nexport const b = SHARED_MARKER;\n");
    BuildResult result = service.buildAndWait(bundle(dir, "a.js", "b.js").flags("--splitting", "--metafile").build());
    assertThat(result.errors()).isEmpty();
    List<OutputFile> withShared =
        result.outputFiles().stream().filter(f -> f.text().contains("shared-module-instance")).toList();
    assertThat(withShared).hasSize(1);
    assertThat(withShared.get(0).path().getFileName().toString()).startsWith("chunk-");
    assertThat(result.outputFiles()).hasSize(3);
    String chunkName = withShared.get(0).path().getFileName().toString();
    result.outputFiles().stream()
        .filter(f -> !f.path().getFileName().toString().equals(chunkName))
        .forEach(entry -> assertThat(entry.text()).contains("./" + chunkName));
    assertThat(result.metafile()).get().asString().contains("\"inputs\"").contains("shared.js");
  }

  @Test
  void javaPluginServesAVirtualModuleAndMarksImportsExternal() {
    write(dir, "main.js", "import greeting from 'virtual:greeting';\nimport { x } from 'ext-lib';\nexport default greeting + x;\n");
    EsbuildPlugin plugin = new EsbuildPlugin() {
      @Override public String name() { return "test-virtual"; }
      @Override public void setup(PluginBuild build) {
        build.onResolve("^virtual:", args -> Optional.of(
            OnResolveResult.virtual(args.path().substring("virtual:".length()), "virtual").withPluginData(List.of("carried", args.importer()))));
        build.onResolve("^ext-", args -> Optional.of(OnResolveResult.external(args.path())));
        build.onLoad(".*", "virtual", args -> {
          assertThat(args.pluginData()).isEqualTo(List.of("carried", dir.resolve("main.js").toString()));
          return Optional.of(OnLoadResult.js("export default 'from-java-plugin:' + " + "'" + args.path() + "';", dir.toString()));
        });
      }
    };
    String output = only(service.buildAndWait(bundle(dir, "main.js").plugin(plugin).build()));
    assertThat(output).contains("from-java-plugin:").contains("greeting");
    assertThat(output).containsPattern("import \\{ x \\} from \"ext-lib\"");
  }

  @Test
  void pluginCanAskEsbuildToResolveFromInsideACallback() {
    write(dir, "real/target.js", "export const where = 'resolved-by-esbuild';\n");
    write(dir, "main.js", "export { where } from 'alias:target';\n");
    EsbuildPlugin plugin = new EsbuildPlugin() {
      @Override public String name() { return "alias"; }
      @Override public void setup(PluginBuild build) {
        build.onResolve("^alias:", args -> {
          ResolveResult real = build.resolve("./real/" + args.path().substring(6) + ".js",
              ResolveOptions.from(args.resolveDir(), ResolveKind.IMPORT_STATEMENT));
          assertThat(real.errors()).isEmpty();
          return Optional.of(OnResolveResult.file(Path.of(real.path())));
        });
      }
    };
    assertThat(only(service.buildAndWait(bundle(dir, "main.js").plugin(plugin).build()))).contains("resolved-by-esbuild");
  }

  @Test
  void errorsComeBackTypedWithTheirLocation() {
    write(dir, "broken.js", "export const ok = 1;\nexport const bad = (;\n");
    BuildResult result = service.buildAndWait(bundle(dir, "broken.js").build());
    assertThat(result.succeeded()).isFalse();
    Message error = result.errors().get(0);
    assertThat(error.text()).isNotBlank();
    MessageLocation where = error.where().orElseThrow();
    assertThat(where.file()).isEqualTo("broken.js");
    assertThat(where.line()).isEqualTo(2);
    assertThat(where.column()).isEqualTo(20);
    assertThat(where.lineText()).isEqualTo("export const bad = (;");
  }

  @Test
  void pluginExceptionsBecomeBuildErrorsNamingThePlugin() {
    write(dir, "main.js", "import 'boom';\n");
    EsbuildPlugin plugin = new EsbuildPlugin() {
      @Override public String name() { return "exploding"; }
      @Override public void setup(PluginBuild build) {
        build.onResolve("^boom$", args -> { throw new IllegalStateException("no boom today"); });
      }
    };
    BuildResult result = service.buildAndWait(bundle(dir, "main.js").plugin(plugin).build());
    assertThat(result.errors()).singleElement().satisfies(m -> {
      assertThat(m.text()).contains("no boom today");
      assertThat(m.pluginName()).isEqualTo("exploding");
    });
  }

  @Test
  void fiftyConcurrentBuildsShareOneChild() {
    long startsBefore = service.childStarts();
    long pid = service.childPid().orElseThrow();
    List<CompletableFuture<BuildResult>> builds = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      write(dir, "e" + i + ".js", "export const id = 'build-number-" + i + "';\n");
      builds.add(service.build(bundle(dir, "e" + i + ".js").build()));
    }
    CompletableFuture.allOf(builds.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
    for (int i = 0; i < 50; i++) {
      assertThat(only(builds.get(i).join())).contains("\"build-number-" + i + "\"");
    }
    assertThat(service.childStarts()).isEqualTo(startsBefore);
    assertThat(service.childPid()).hasValue(pid);
  }

  @Test
  void invalidFlagIsACleanErrorAndTheServiceLivesOn() {
    write(dir, "x.js", "export const x = 1;\n");
    long pid = service.childPid().orElseThrow();
    assertThatThrownBy(() -> service.buildAndWait(bundle(dir, "x.js").flags("--nonsense").build()))
        .isInstanceOfSatisfying(EsbuildException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessageContaining("Invalid build flag: \"--nonsense\"");
    assertThat(only(service.buildAndWait(bundle(dir, "x.js").build()))).contains("x = 1");
    assertThat(service.childPid()).hasValue(pid);
  }

  @Test
  void invalidFilterIsACleanErrorAndTheServiceLivesOn() {
    write(dir, "x.js", "export const x = 2;\n");
    long pid = service.childPid().orElseThrow();
    EsbuildPlugin lookbehind = new EsbuildPlugin() {
      @Override public String name() { return "bad-filter"; }
      @Override public void setup(PluginBuild build) {
        build.onResolve("(?<=a)b", args -> Optional.empty());
      }
    };
    assertThatThrownBy(() -> service.buildAndWait(bundle(dir, "x.js").plugin(lookbehind).build()))
        .isInstanceOf(EsbuildException.class)
        .hasMessageContaining("bad-filter")
        .hasMessageContaining("(?<=a)b");
    assertThat(only(service.buildAndWait(bundle(dir, "x.js").build()))).contains("x = 2");
    assertThat(service.childPid()).hasValue(pid);
  }

  @Test
  void aKilledChildFailsItsBuildsAsTransientAndTheNextBuildGetsAFreshOne() throws Exception {
    try (EsbuildService own = EsbuildService.start(EsbuildFixtures.binary())) {
      write(dir, "slow.js", "import 'hold';\n");
      CountDownLatch inCallback = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      EsbuildPlugin holding = new EsbuildPlugin() {
        @Override public String name() { return "hold"; }
        @Override public void setup(PluginBuild build) {
          build.onResolve("^hold$", args -> {
            inCallback.countDown();
            release.await(30, TimeUnit.SECONDS);
            return Optional.of(OnResolveResult.virtual("hold", "held"));
          });
          build.onLoad(".*", "held", args -> Optional.of(OnLoadResult.js("", dir.toString())));
        }
      };
      CompletableFuture<BuildResult> inFlight = own.build(bundle(dir, "slow.js").plugin(holding).build());
      assertThat(inCallback.await(30, TimeUnit.SECONDS)).isTrue();
      long pid = own.childPid().orElseThrow();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL, as kill -9 would
      assertThatThrownBy(() -> inFlight.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(EsbuildException.class)
          .cause()
          .satisfies(e -> {
            assertThat(((EsbuildException) e).code()).isEqualTo(ErrorCode.ESBUILD_CRASHED);
            assertThat(((EsbuildException) e).isTransient()).isTrue();
            assertThat(e.getMessage()).contains("signal 9");
          });
      release.countDown();

      write(dir, "after.js", "export const after = 'fresh-child';\n");
      assertThat(only(own.buildAndWait(bundle(dir, "after.js").build()))).contains("fresh-child");
      assertThat(own.childStarts()).isEqualTo(2);
      assertThat(own.childPid().orElseThrow()).isNotEqualTo(pid);
    }
  }

  @Test
  void closeLeavesNoProcessAndNoThreadBehind() {
    EsbuildService own = EsbuildService.start(EsbuildFixtures.binary());
    write(dir, "x.js", "export const x = 3;\n");
    only(own.buildAndWait(bundle(dir, "x.js").build()));
    ProcessHandle child = ProcessHandle.of(own.childPid().orElseThrow()).orElseThrow();
    own.close();
    assertThat(child.isAlive()).isFalse();
    String prefix = "esbuild-reader-" + child.pid();
    await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().equals(prefix) || t.getName().equals("esbuild-stderr-" + child.pid())));
    assertThatThrownBy(() -> own.buildAndWait(bundle(dir, "x.js").build()))
        .isInstanceOf(EsbuildException.class).hasMessageContaining("closed");
  }

  @Test
  void manyPingsAreAnsweredWhileIdle() throws Exception {
    try (EsbuildService own = EsbuildService.start(EsbuildFixtures.binary())) {
      long pid = own.childPid().orElseThrow();
      Thread.sleep(2500); // esbuild pings every second and exits if the host stops answering
      write(dir, "x.js", "export const x = 4;\n");
      assertThat(only(own.buildAndWait(bundle(dir, "x.js").build()))).contains("x = 4");
      assertThat(own.childPid()).hasValue(pid);
    }
  }

  @Test
  void buildsRunInParallelWithCallbacksOffTheReaderThread() {
    // 20 builds whose plugin callbacks each call back into esbuild: a reader-thread design deadlocks here.
    write(dir, "real.js", "export const v = 1;\n");
    EsbuildPlugin plugin = new EsbuildPlugin() {
      @Override public String name() { return "reentrant"; }
      @Override public void setup(PluginBuild build) {
        build.onResolve("^via-resolve$", args -> Optional.of(OnResolveResult.file(Path.of(
            build.resolve("./real.js", ResolveOptions.from(args.resolveDir(), ResolveKind.IMPORT_STATEMENT)).path()))));
      }
    };
    List<CompletableFuture<BuildResult>> builds = IntStream.range(0, 20).mapToObj(i -> {
      write(dir, "r" + i + ".js", "export { v } from 'via-resolve';\nexport const i = " + i + ";\n");
      return service.build(bundle(dir, "r" + i + ".js").plugin(plugin).build());
    }).toList();
    CompletableFuture.allOf(builds.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
    builds.forEach(b -> assertThat(only(b.join())).contains("v = 1"));
  }
}
