package dev.prebundled.cli;

import dev.prebundled.bundle.BuildMode;
import dev.prebundled.bundle.BundleResult;
import dev.prebundled.bundle.BundledFile;
import dev.prebundled.bundle.EntryOutput;
import dev.prebundled.bundle.PackageBundler;
import dev.prebundled.bundle.PackageUnit;
import dev.prebundled.error.PrebundledException;
import dev.prebundled.esbuild.EsbuildBinary;
import dev.prebundled.esbuild.EsbuildService;
import dev.prebundled.resolve.PackageJsonReader;
import dev.prebundled.resolve.PackageRoot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import dev.prebundled.rpc.RpcClient;
import dev.prebundled.rpc.RpcException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code prebundled bundle}: builds one installed package into browser-ready ESM in a folder. */
@Command(
    name = "bundle",
    mixinStandardHelpOptions = true,
    description = "Bundle one installed npm package (all given entries in one build) into --out.")
final class BundleCommand implements Callable<Integer> {
  static final int EXIT_FAILED = 1;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<package-dir>", description = "The package's directory, e.g. node_modules/react-dom.")
  Path packageDir;

  @Option(names = "--entry", paramLabel = "<subpath>", description = "A subpath to build: '.', './client' or 'client' (repeatable; default '.').")
  List<String> entries = new ArrayList<>();

  @Option(names = "--mode", defaultValue = "development", description = "development or production (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--out", paramLabel = "<dir>", description = "Where to write the files; written only when the build succeeds (required without --via-daemon).")
  Path out;

  @Option(names = "--via-daemon", description = "Ask the running daemon of --cache-dir instead of building here; prints the cached files.")
  boolean viaDaemon;

  @Mixin DaemonClientOptions daemon;

  @Option(names = "--esbuild", paramLabel = "<binary>", description = "The esbuild binary (default: ESBUILD_BINARY_PATH, the project's node_modules, tools/).")
  Path esbuildBinary;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    if (!viaDaemon && out == null) {
      stderr.println("error: --out <dir> is required (or use --via-daemon)");
      return EXIT_FAILED;
    }
    try {
      BuildMode buildMode = BuildMode.parse(mode);
      PackageRoot root = PackageRoot.ofDir(packageDir.toAbsolutePath().normalize(), new PackageJsonReader());
      List<String> subpaths = entries.isEmpty() ? List.of(".") : entries.stream().map(BundleCommand::subpath).toList();
      if (viaDaemon) return viaDaemon(root, subpaths, buildMode, stdout, stderr);
      PackageUnit unit = PackageUnit.of(root.name(), root.version(), root.dir(), subpaths, buildMode);
      EsbuildBinary binary = EsbuildBinary.locate(EsbuildBinary.Lookup.standard(Optional.ofNullable(esbuildBinary), Optional.empty()));
      BundleResult result;
      try (EsbuildService esbuild = EsbuildService.start(binary)) {
        result = new PackageBundler(esbuild).bundle(unit);
      }
      write(result, out);
      printSummary(stdout, result, out);
      return 0;
    } catch (PrebundledException e) {
      stderr.println("error [" + e.code() + "] " + e.getMessage());
      e.location().ifPresent(where -> stderr.println("  at " + where + (where.lineText().isEmpty() ? "" : "\n    " + where.lineText())));
      e.packageName().ifPresent(name -> stderr.println("  package: " + name));
      stderr.println("  nothing was written to " + out);
      return EXIT_FAILED;
    } catch (IllegalArgumentException | IOException e) {
      stderr.println("error: " + e.getMessage());
      stderr.println("  nothing was written to " + out);
      return EXIT_FAILED;
    }
  }

  private int viaDaemon(PackageRoot root, List<String> subpaths, BuildMode buildMode, PrintWriter stdout, PrintWriter stderr)
      throws IOException {
    Optional<RpcClient> connection = daemon.connect();
    if (connection.isEmpty()) {
      stderr.println("error: no daemon answers for " + daemon.files().cacheDir().toAbsolutePath()
          + ": start one with scripts/prebundled start (or prebundled daemon --cache-dir ...)");
      return EXIT_FAILED;
    }
    try (RpcClient client = connection.get()) {
      stdout.printf("%s@%s (%s) via the daemon of %s%n", root.name(), root.version(), buildMode.nodeEnv(), daemon.files().cacheDir());
      return new DaemonBundle(client, stdout).bundle(root, subpaths, buildMode.nodeEnv(), out) ? 0 : EXIT_FAILED;
    } catch (RpcException e) {
      stderr.println(DaemonBundle.describe(e));
      return EXIT_FAILED;
    }
  }

  static String subpath(String entry) {
    if (entry.equals(".") || entry.startsWith("./")) return entry;
    return "./" + entry;
  }

  /** Each file goes to a temporary name first, then is moved into place, so no partial file is left. */
  private static void write(BundleResult result, Path out) throws IOException {
    Files.createDirectories(out);
    for (BundledFile file : result.files()) {
      Path target = out.resolve(file.name());
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), ".prebundled-", ".tmp");
      Files.write(temp, file.contents());
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static void printSummary(PrintWriter out, BundleResult result, Path dir) {
    PackageUnit unit = result.unit();
    out.printf("%s (%s) built in %d ms%n", unit.id(), unit.mode().nodeEnv(), result.buildTime().toMillis());
    int width = result.entries().keySet().stream().mapToInt(String::length).max().orElse(1);
    for (EntryOutput entry : result.entries().values()) {
      out.printf("  %-" + width + "s -> %s  (%s, %d exports%s)%n", entry.entry(), entry.file(),
          entry.sourceFormat().name().toLowerCase(Locale.ROOT), entry.exports().size(),
          entry.nodeFile().map(f -> "; Node-mode importers: " + f).orElse(""));
    }
    out.printf("  %d files, %.1f kB in %s%n", result.files().size(), result.totalBytes() / 1024.0, dir);
    if (!result.externals().isEmpty()) out.println("  imports kept bare: " + String.join(", ", result.externals()));
    result.warnings().forEach(w -> out.println("  warning: " + w));
  }
}
