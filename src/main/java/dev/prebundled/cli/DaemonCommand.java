package dev.prebundled.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prebundled.config.ConfigException;
import dev.prebundled.config.Settings;
import dev.prebundled.daemon.Daemon;
import dev.prebundled.observe.LogSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prebundled daemon}: runs the daemon for one cache directory until it is stopped. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
    description = "Run the daemon for one cache directory (in the foreground; the plugin and scripts detach it).")
final class DaemonCommand implements Callable<Integer> {
  static final int EXIT_CONFIG = 2;

  @Spec CommandSpec spec;

  @Option(names = "--cache-dir", defaultValue = ".vite/optimize-cache", description = "The cache directory (default: ${DEFAULT-VALUE}).")
  Path cacheDir;

  @Option(names = "--config", paramLabel = "<file.json>", description = "Settings as nested JSON (the knobs of docs/configuration.md).")
  Path config;

  @Option(names = "--project-root", paramLabel = "<dir>", description = "A directory whose packages may be bundled (repeatable).")
  List<Path> projectRoots = new ArrayList<>();

  @Option(names = "--esbuild", paramLabel = "<binary>", description = "The esbuild binary to use.")
  Path esbuildBinary;

  @Option(names = "--log-to-console", description = "Log to stderr instead of the log file.")
  boolean logToConsole;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Settings settings;
    try {
      settings = Settings.from(readConfig());
    } catch (ConfigException e) {
      err.println("prebundled: " + e.getMessage());
      return EXIT_CONFIG;
    }
    if (!logToConsole) {
      Path logFile = Path.of(settings.logger().filePath()).toAbsolutePath();
      Files.createDirectories(logFile.getParent());
      LogSetup.toRollingFile(logFile, settings.logger());
    }
    Daemon daemon;
    try {
      daemon = Daemon.start(new Daemon.Options(cacheDir.toAbsolutePath().normalize(), settings,
          projectRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList(), Optional.ofNullable(esbuildBinary)));
    } catch (Daemon.AlreadyRunning running) {
      out.println(running.getMessage());
      out.flush();
      return 0;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "prebundled-shutdown-hook"));
    out.println("prebundled daemon " + Daemon.VERSION + " listening on " + daemon.socket() + " (pid " + ProcessHandle.current().pid() + ")");
    out.flush();
    daemon.awaitStop();
    return 0;
  }

  private JsonNode readConfig() throws IOException {
    if (config == null) return null;
    if (!Files.isRegularFile(config)) throw new ConfigException(List.of("--config " + config + " does not exist"));
    try {
      return new ObjectMapper().readTree(config.toFile());
    } catch (IOException e) {
      throw new ConfigException(List.of("--config " + config + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse("")));
    }
  }
}
