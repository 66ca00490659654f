package dev.prebundled.esbuild;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.esbuild.ProtocolCodec.Packet;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running {@code esbuild --service} child and the connection to it. Requests from any thread
 * are pipelined through one serialized writer; one reader thread decodes packets and hands every
 * response and every callback from esbuild to an executor, so nothing user-supplied ever runs on
 * the reader (a callback that calls {@code resolve} would otherwise deadlock it). When the child
 * dies, every request in flight fails with {@link ErrorCode#ESBUILD_CRASHED}.
 */
final class EsbuildProcess {
  private static final Logger log = LoggerFactory.getLogger(EsbuildProcess.class);
  private static final Logger childLog = LoggerFactory.getLogger("dev.prebundled.esbuild.stderr");
  private static final int STDERR_LINES_KEPT = 20;
  private static final int MAX_PACKET_BYTES = 1 << 30;

  /** Answers a request esbuild sends to the host (plugin callbacks). Runs on the executor. */
  interface RequestHandler {
    Map<String, Object> handle(Map<String, Object> request) throws Exception;
  }

  private final Process process;
  private final OutputStream stdin;
  private final InputStream stdout;
  private final Executor executor;
  private final RequestHandler handler;
  private final Object writeLock = new Object();
  private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger nextRequestId = new AtomicInteger();
  private final Deque<String> recentStderr = new ArrayDeque<>();
  private final Thread stderrDrainer;
  private Thread reader;
  private volatile EsbuildException failure;

  private EsbuildProcess(Process process, Executor executor, RequestHandler handler) {
    this.process = process;
    this.stdin = process.getOutputStream();
    this.stdout = process.getInputStream();
    this.executor = executor;
    this.handler = handler;
    this.stderrDrainer = daemonThread("esbuild-stderr-" + process.pid(), this::drainStderr);
  }

  /**
   * Starts the child and checks the version it announces. Fails with {@link
   * ErrorCode#ESBUILD_UNAVAILABLE} when it cannot start, naming what it printed.
   */
  static EsbuildProcess start(
      Path binary, String version, Map<String, String> env, Executor executor, RequestHandler handler) {
    ProcessBuilder builder = new ProcessBuilder(binary.toString(), "--service=" + version, "--ping");
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new EsbuildException(ErrorCode.ESBUILD_UNAVAILABLE, "cannot start esbuild at " + binary + ": " + e.getMessage(), e);
    }
    EsbuildProcess child = new EsbuildProcess(process, executor, handler);
    child.stderrDrainer.start();
    try {
      String announced = new String(child.readFrame(), StandardCharsets.UTF_8);
      if (!announced.equals(version)) {
        throw new IOException("esbuild announced version " + announced + ", expected " + version);
      }
    } catch (IOException e) {
      child.kill();
      throw new EsbuildException(
          ErrorCode.ESBUILD_UNAVAILABLE,
          "esbuild at " + binary + " did not start its service: " + child.describeExit(e.getMessage()), e);
    }
    child.reader = daemonThread("esbuild-reader-" + process.pid(), child::readLoop);
    child.reader.start();
    log.debug("esbuild {} service started (pid {})", version, process.pid());
    return child;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return failure == null && process.isAlive();
  }

  /** Sends a request and completes with esbuild's response map; continuations run on the executor. */
  CompletableFuture<Map<String, Object>> request(Map<String, Object> body) {
    CompletableFuture<Map<String, Object>> response = new CompletableFuture<>();
    int id = nextRequestId.getAndIncrement();
    pending.put(id, response);
    EsbuildException dead = failure;
    if (dead != null) {
      pending.remove(id);
      response.completeExceptionally(dead);
      return response;
    }
    try {
      send(new Packet(id, false, body));
    } catch (RuntimeException e) {
      pending.remove(id);
      response.completeExceptionally(e);
    }
    return response;
  }

  /**
   * Closes stdin so the child finishes in-flight work and exits; kills it after {@code grace}.
   * Requests still pending fail.
   */
  void close(Duration grace) {
    fail(new EsbuildException(ErrorCode.ESBUILD_CRASHED, "the esbuild service was shut down"));
    try {
      synchronized (writeLock) {
        stdin.close();
      }
    } catch (IOException ignored) {
      // already gone
    }
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("esbuild (pid {}) did not exit within {} ms; killing it", process.pid(), grace.toMillis());
        kill();
      }
      if (reader != null) reader.join(grace.toMillis());
      stderrDrainer.join(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  private void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(Packet packet) {
    byte[] bytes = ProtocolCodec.encodePacket(packet);
    try {
      synchronized (writeLock) {
        stdin.write(bytes);
        stdin.flush();
      }
    } catch (IOException e) {
      EsbuildException crash = crashed("writing to esbuild failed: " + e.getMessage());
      fail(crash);
      throw crash;
    }
  }

  private void readLoop() {
    try {
      while (true) {
        Packet packet = ProtocolCodec.decodePacket(readFrame());
        if (packet.isResponse()) {
          CompletableFuture<Map<String, Object>> response = pending.remove(packet.id());
          if (response != null) {
            Map<String, Object> value = asMap(packet.value());
            runOnExecutor(() -> response.complete(value));
          }
        } else {
          onRequest(packet.id(), asMap(packet.value()));
        }
      }
    } catch (IOException | RuntimeException e) {
      if (failure == null) {
        fail(crashed(describeExit(e.getMessage())));
      }
    }
  }

  private void onRequest(int id, Map<String, Object> request) {
    if ("ping".equals(request.get("command"))) {
      send(new Packet(id, true, Map.of()));
      return;
    }
    runOnExecutor(
        () -> {
          Map<String, Object> response;
          try {
            response = handler.handle(request);
          } catch (Exception | Error e) {
            log.warn("plugin callback {} failed", request.get("command"), e);
            response = Map.of("error", String.valueOf(e.getMessage()));
          }
          try {
            send(new Packet(id, true, response));
          } catch (RuntimeException e) {
            log.debug("could not answer esbuild: {}", e.getMessage());
          }
        });
  }

  private void runOnExecutor(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // shutting down: finish inline rather than leave a caller waiting forever
    }
  }

  private byte[] readFrame() throws IOException {
    byte[] header = stdout.readNBytes(4);
    if (header.length < 4) throw new EOFException("esbuild closed its output");
    int length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (length < 0 || length > MAX_PACKET_BYTES) {
      throw new IOException("esbuild sent a packet length of " + Integer.toUnsignedString(length));
    }
    byte[] body = stdout.readNBytes(length);
    if (body.length < length) throw new EOFException("esbuild closed its output mid-packet");
    return body;
  }

  private void fail(EsbuildException cause) {
    if (failure == null) failure = cause;
    for (Integer id : List.copyOf(pending.keySet())) {
      CompletableFuture<Map<String, Object>> response = pending.remove(id);
      if (response != null) runOnExecutor(() -> response.completeExceptionally(failure));
    }
  }

  private EsbuildException crashed(String detail) {
    return new EsbuildException(ErrorCode.ESBUILD_CRASHED, "esbuild service died: " + detail);
  }

  /** What we know of why the child stopped: its exit status and the last lines it printed. */
  private String describeExit(String detail) {
    StringBuilder text = new StringBuilder(detail == null ? "" : detail);
    try {
      if (process.waitFor(2, TimeUnit.SECONDS)) {
        int code = process.exitValue();
        text.append(" (exit code ").append(code);
        if (code > 128) text.append(", signal ").append(code - 128);
        text.append(')');
      }
      stderrDrainer.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (recentStderr) {
      if (!recentStderr.isEmpty()) text.append(": ").append(String.join(" | ", recentStderr));
    }
    return text.toString();
  }

  private void drainStderr() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        childLog.info("{}", line);
        synchronized (recentStderr) {
          if (recentStderr.size() == STDERR_LINES_KEPT) recentStderr.removeFirst();
          recentStderr.addLast(line.strip());
        }
      }
    } catch (IOException e) {
      // the child is gone; nothing more to read
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    if (value instanceof Map<?, ?> map) return (Map<String, Object>) map;
    throw new ProtocolCodec.MalformedPacketException("expected a map, got " + value);
  }

  private static Thread daemonThread(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }
}
