package dev.prebundled.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Node.js (the real one on PATH) as a test oracle and collects what it printed. */
public final class NodeRunner {
  private NodeRunner() {}

  /** The outcome of one Node run: exit code, stdout and stderr. */
  public record Result(int exitCode, String stdout, String stderr) {
    public Result requireSuccess() {
      if (exitCode != 0) throw new AssertionError("node exited " + exitCode + ":\n" + stderr + "\n" + stdout);
      return this;
    }
  }

  public static Result run(Path workingDir, String... args) {
    return runWithEnv(workingDir, java.util.Map.of(), args);
  }

  public static Result runWithEnv(Path workingDir, java.util.Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add("node");
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      process.getOutputStream().close();
      var stderr = new java.util.concurrent.CompletableFuture<String>();
      Thread drain = new Thread(() -> {
        try {
          stderr.complete(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          stderr.complete(e.toString());
        }
      });
      drain.start();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("node did not finish within 120 s: " + command);
      }
      drain.join();
      return new Result(process.exitValue(), stdout, stderr.join());
    } catch (IOException e) {
      throw new AssertionError("cannot run node (is Node.js 20 on PATH?): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
