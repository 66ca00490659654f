package dev.prebundled.bench;

import dev.prebundled.esbuild.BuildOptions;
import dev.prebundled.esbuild.BuildResult;
import dev.prebundled.esbuild.EsbuildBinary;
import dev.prebundled.esbuild.EsbuildService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (not a test): N small builds through the long-lived esbuild service against spawning
 * the esbuild CLI once per build, in one run, alternating rounds so both see the same machine
 * state. Run with {@code scripts/bench esbuild [builds]}; prints a Markdown table.
 */
public final class EsbuildServiceBenchmark {
  private EsbuildServiceBenchmark() {}

  public static void main(String[] args) throws Exception {
    int builds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int rounds = 3;
    EsbuildBinary binary = EsbuildBinary.locate(EsbuildBinary.Lookup.standard(Optional.empty(), Optional.empty()));
    Path dir = Files.createTempDirectory("prebundled-bench-");
    for (int i = 0; i < builds; i++) {
      Files.writeString(dir.resolve("util" + i + ".js"), "export const scale = (x) => x * " + i + ";\nexport const label = 'u" + i + "';\n");
      Files.writeString(dir.resolve("entry" + i + ".js"), "import { scale, label } from './util" + i + ".js';\nexport const value = label + scale(2);\n");
    }
    List<Double> service = new ArrayList<>();
    List<Double> cli = new ArrayList<>();
    List<Double> serviceRounds = new ArrayList<>();
    List<Double> cliRounds = new ArrayList<>();
    try (EsbuildService esbuild = EsbuildService.start(binary)) {
      warmUp(esbuild, binary, dir);
      for (int round = 0; round < rounds; round++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < builds; i++) {
          int n = i;
          service.add(timed(() -> viaService(esbuild, dir, "entry" + n + ".js")));
        }
        serviceRounds.add(millisSince(t0));
        t0 = System.nanoTime();
        for (int i = 0; i < builds; i++) {
          int n = i;
          cli.add(timed(() -> viaCli(binary, dir, "entry" + n + ".js")));
        }
        cliRounds.add(millisSince(t0));
      }
    }
    Stats s = Stats.of(service);
    Stats c = Stats.of(cli);
    System.out.println("esbuild " + binary.version() + ", " + builds + " builds x " + rounds + " rounds, "
        + Runtime.getRuntime().availableProcessors() + " cores");
    System.out.println(Stats.header());
    System.out.println(s.row("service: one build"));
    System.out.println(c.row("CLI spawn: one build"));
    System.out.println(Stats.of(serviceRounds).row("service: " + builds + " builds"));
    System.out.println(Stats.of(cliRounds).row("CLI spawn: " + builds + " builds"));
    System.out.printf("ratio of medians (CLI / service): %.1fx per build, %.1fx per round of %d%n",
        c.median() / s.median(), Stats.of(cliRounds).median() / Stats.of(serviceRounds).median(), builds);
  }

  private interface Work {
    void run() throws Exception;
  }

  private static double timed(Work work) {
    long t0 = System.nanoTime();
    try {
      work.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return millisSince(t0);
  }

  private static double millisSince(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  private static void warmUp(EsbuildService esbuild, EsbuildBinary binary, Path dir) throws Exception {
    for (int i = 0; i < 20; i++) {
      viaService(esbuild, dir, "entry0.js");
      viaCli(binary, dir, "entry0.js");
    }
  }

  private static void viaService(EsbuildService esbuild, Path dir, String entry) {
    BuildResult result = esbuild.buildAndWait(BuildOptions.builder().workingDir(dir).entryPoint(entry)
        .flags("--bundle", "--format=esm", "--log-level=warning").build());
    if (!result.succeeded() || result.outputFiles().size() != 1) throw new IllegalStateException("build failed: " + result.errors());
  }

  private static void viaCli(EsbuildBinary binary, Path dir, String entry) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(binary.path().toString(), entry, "--bundle", "--format=esm", "--log-level=warning")
        .directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || out.length == 0) {
      throw new IllegalStateException("esbuild CLI failed: " + new String(out));
    }
  }
}
