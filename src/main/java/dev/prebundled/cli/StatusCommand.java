package dev.prebundled.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prebundled.daemon.DaemonFiles;
import dev.prebundled.rpc.RpcClient;
import dev.prebundled.rpc.RpcException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code prebundled status}: whether a daemon serves the cache directory, and how it is doing. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show whether the daemon runs and how it is doing.")
final class StatusCommand implements Callable<Integer> {
  static final int EXIT_NOT_RUNNING = 3;

  @Spec CommandSpec spec;
  @Mixin DaemonClientOptions daemon;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<RpcClient> connection = daemon.connect();
    if (connection.isEmpty()) {
      out.println("not running (cache dir " + daemon.files().cacheDir() + ")");
      return EXIT_NOT_RUNNING;
    }
    try (RpcClient client = connection.get()) {
      DaemonFiles.Info info = daemon.info().orElseThrow();
      JsonNode health = client.call("health", null, 10_000);
      JsonNode stats = client.call("stats", null, 10_000);
      JsonNode pending = health.path("checks").path("pending_operations");
      JsonNode resources = health.path("checks").path("resource_usage");
      out.printf("running: pid %d, version %s, socket %s%n", info.pid(), info.version(), info.socket());
      out.printf("health: %s, up %d s%n", health.path("status").asText(), health.path("uptimeMs").asLong() / 1000);
      out.printf("builds: %d units, %d analyses; cache hit ratio %.0f%%; queue %d waiting, %d running%n",
          stats.path("unitBuilds").asLong(), stats.path("analysisBuilds").asLong(),
          stats.path("metrics").path("cacheHitRatio").asDouble() * 100, pending.path("waiting").asInt(), pending.path("running").asInt());
      out.printf("memory: heap %d/%d MB, esbuild %d MB%n", resources.path("heapUsedMb").asLong(), resources.path("heapMaxMb").asLong(),
          resources.path("esbuildMemoryMb").asLong());
      return "healthy".equals(health.path("status").asText()) ? 0 : 1;
    } catch (RpcException e) {
      out.println("not answering: " + e.getMessage());
      return EXIT_NOT_RUNNING;
    }
  }
}
