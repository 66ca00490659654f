package dev.prebundled.cli;

import dev.prebundled.daemon.DaemonFiles;
import dev.prebundled.rpc.RpcClient;
import dev.prebundled.rpc.RpcException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prebundled stop}: asks the daemon to shut down and waits until its process is gone. */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the daemon of a cache directory.")
final class StopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DaemonClientOptions daemon;

  @Option(names = "--timeout", defaultValue = "30", description = "Seconds to wait before killing it (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<DaemonFiles.Info> info = daemon.info();
    Optional<RpcClient> connection = daemon.connect();
    if (info.isEmpty() || connection.isEmpty()) {
      out.println("not running");
      return 0;
    }
    try (RpcClient client = connection.get()) {
      client.call("shutdown", null, 10_000);
    } catch (RpcException e) {
      out.println("shutdown request failed (" + e.getMessage() + "); stopping the process");
    }
    Optional<ProcessHandle> process = ProcessHandle.of(info.get().pid());
    if (process.isPresent()) {
      try {
        process.get().onExit().get(timeoutSeconds, TimeUnit.SECONDS);
      } catch (Exception e) {
        out.println("did not stop within " + timeoutSeconds + " s; killing pid " + info.get().pid());
        process.get().destroyForcibly();
      }
    }
    out.println("stopped (pid " + info.get().pid() + ")");
    return 0;
  }
}
