package dev.prebundled.daemon;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prebundled.rpc.RpcClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real daemon in its own JVM ({@code prebundled daemon}, the same main class the jar runs), for
 * tests that stop, restart or {@code kill -9} it. Its console log goes to a file next to the cache
 * directory, which a failing test prints.
 */
final class DaemonProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path cacheDir;
  private final Path log;
  private final Path socket;

  private DaemonProcess(Process process, Path cacheDir, Path log, Path socket) {
    this.process = process;
    this.cacheDir = cacheDir;
    this.log = log;
    this.socket = socket;
  }

  /** Starts a daemon on {@code cacheDir} that may bundle packages under {@code projectRoot}; waits until it answers. */
  static DaemonProcess start(Path cacheDir, Path projectRoot, Map<String, Object> settings) {
    return start(cacheDir, projectRoot, settings, List.of());
  }

  /**
   * As above, with extra JVM options (such as a {@code -Dprebundled.faults} rule). The heap is
   * {@code server.resourceManagement.maxOldSpaceSize}/{@code maxSemiSpaceSize} when the settings
   * give them, mapped to {@code -Xmx}/{@code -Xmn} as scripts/prebundled does, else 512 MB.
   */
  static DaemonProcess start(Path cacheDir, Path projectRoot, Map<String, Object> settings, List<String> jvmOptions) {
    return start(cacheDir, projectRoot, settings, jvmOptions, true);
  }

  /** As above; {@code logToConsole} false lets the daemon log where its {@code logger} settings say. */
  static DaemonProcess start(Path cacheDir, Path projectRoot, Map<String, Object> settings, List<String> jvmOptions, boolean logToConsole) {
    try {
      Files.createDirectories(cacheDir.getParent());
      Path log = cacheDir.resolveSibling(cacheDir.getFileName() + "-daemon.log");
      List<String> command = new ArrayList<>(List.of(javaBinary()));
      command.addAll(heapOptions(settings));
      command.addAll(jvmOptions);
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.prebundled.cli.Main", "daemon",
          "--cache-dir", cacheDir.toString(), "--project-root", projectRoot.toString()));
      if (logToConsole) command.add("--log-to-console");
      if (!settings.isEmpty()) {
        Path config = Files.createTempFile(cacheDir.getParent(), "settings", ".json");
        JSON.writeValue(config.toFile(), settings);
        command.addAll(List.of("--config", config.toString()));
      }
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      DaemonFiles files = new DaemonFiles(cacheDir);
      Path socket = await("daemon on " + cacheDir).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
          .until(() -> {
            if (!process.isAlive()) throw new AssertionError("daemon exited with " + process.exitValue() + ":\n" + Files.readString(log));
            Optional<DaemonFiles.Info> info = files.readInfo(JSON);
            return info.filter(i -> i.pid() == process.pid()).map(i -> Path.of(i.socket())).orElse(null);
          }, s -> s != null);
      return new DaemonProcess(process, cacheDir, log, socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static DaemonProcess start(Path cacheDir, Path projectRoot) {
    return start(cacheDir, projectRoot, Map.of());
  }

  private static List<String> heapOptions(Map<String, Object> settings) {
    JsonNode resources = JSON.valueToTree(settings).path("server").path("resourceManagement");
    if (!resources.has("maxOldSpaceSize")) return List.of("-Xmx512m");
    List<String> options = new ArrayList<>(List.of("-Xmx" + resources.get("maxOldSpaceSize").asInt() + "m"));
    if (resources.has("maxSemiSpaceSize")) options.add("-Xmn" + resources.get("maxSemiSpaceSize").asInt() + "m");
    return options;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  Path socket() {
    return socket;
  }

  Path cacheDir() {
    return cacheDir;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** A new connection that has said hello (so it has a session). */
  RpcClient connect() {
    try {
      RpcClient client = RpcClient.connect(socket);
      client.call("hello", Map.of("protocol", Messages.PROTOCOL, "client", "test"), 30_000);
      return client;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode stats() {
    try (RpcClient client = connect()) {
      return client.call("stats", Map.of(), 30_000);
    }
  }

  /** Waits until no build waits or runs (background builds of a closure included). */
  void awaitIdle() {
    await("idle queue").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
      JsonNode stats = stats();
      return stats.get("queueWaiting").asInt() + stats.get("queueRunning").asInt() == 0;
    });
  }

  /** Asks the daemon to shut down and waits for its exit code. */
  int shutdown() throws InterruptedException {
    try (RpcClient client = connect()) {
      client.call("shutdown", Map.of(), 30_000);
    }
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) throw new AssertionError("daemon did not exit after shutdown:\n" + log());
    return process.exitValue();
  }

  /** {@code kill -9}: no shutdown hook, no cleanup, as when a machine loses power under it. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) kill9();
    }
  }
}
