package dev.prebundled.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prebundled.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of the daemon's socket, for the CLI and tests: pipelined calls over one connection,
 * each returning the {@code result} or throwing {@link RpcException} with the daemon's error.
 */
public final class RpcClient implements AutoCloseable {
  private final ObjectMapper json = new ObjectMapper();
  private final SocketChannel channel;
  private final OutputStream out;
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong();
  private final Thread reader;

  private RpcClient(SocketChannel channel) {
    this.channel = channel;
    this.out = SocketStreams.output(channel);
    InputStream in = SocketStreams.input(channel);
    this.reader = new Thread(() -> readLoop(in), "prebundled-rpc-client");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  public static RpcClient connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    return new RpcClient(channel);
  }

  /** Calls a method and waits up to {@code timeoutMillis} for its result. */
  public JsonNode call(String method, Object params, long timeoutMillis) {
    CompletableFuture<JsonNode> response = send(method, params);
    try {
      return response.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new RpcException(RpcException.SERVER_ERROR, new ErrorData(ErrorCode.ETIMEDOUT.name(), ErrorData.TRANSIENT,
          method + " got no answer within " + timeoutMillis + " ms", null, null, null, null));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public JsonNode call(String method, Object params) {
    return call(method, params, 300_000);
  }

  /** Sends without waiting; the future completes with the result or an {@link RpcException}. */
  public CompletableFuture<JsonNode> send(String method, Object params) {
    long id = nextId.incrementAndGet();
    CompletableFuture<JsonNode> response = new CompletableFuture<>();
    pending.put(id, response);
    ObjectNode request = json.createObjectNode();
    request.put("jsonrpc", "2.0");
    request.put("id", id);
    request.put("method", method);
    request.set("params", params == null ? json.createObjectNode() : json.valueToTree(params));
    try {
      sendRaw(json.writeValueAsString(request));
    } catch (IOException e) {
      pending.remove(id);
      response.completeExceptionally(connectionLost(e));
    }
    return response;
  }

  /** Writes one raw line (tests use it to send malformed input). */
  public synchronized void sendRaw(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The next response to a raw line, by its id (null id for unparseable lines). */
  public CompletableFuture<JsonNode> expectRaw(long id) {
    return pending.computeIfAbsent(id, k -> new CompletableFuture<>());
  }

  private void readLoop(InputStream in) {
    try {
      LineReader lines = new LineReader(in, Integer.MAX_VALUE);
      LineReader.Line line;
      while ((line = lines.next()) != null) {
        JsonNode response;
        try {
          response = json.readTree(line.text());
        } catch (IOException e) {
          continue; // not a response of ours; the caller's timeout reports the missing answer
        }
        JsonNode id = response.get("id");
        long key = id == null || id.isNull() ? -1 : id.asLong();
        CompletableFuture<JsonNode> waiting = pending.remove(key);
        if (waiting == null) continue;
        if (response.has("error")) {
          JsonNode error = response.get("error");
          ErrorData data;
          try {
            data = json.treeToValue(error.path("data"), ErrorData.class);
          } catch (IOException e) {
            data = null;
          }
          if (data == null || data.code() == null) {
            data = new ErrorData(ErrorCode.INTERNAL.name(), ErrorData.PERMANENT, error.path("message").asText("daemon error"),
                null, null, null, null);
          }
          waiting.completeExceptionally(new RpcException(error.path("code").asInt(), data));
        } else {
          waiting.complete(response.get("result"));
        }
      }
      failAll(new IOException("the daemon closed the connection"));
    } catch (IOException e) {
      failAll(e);
    }
  }

  private void failAll(IOException cause) {
    pending.values().forEach(f -> f.completeExceptionally(connectionLost(cause)));
    pending.clear();
  }

  private static RpcException connectionLost(IOException cause) {
    return new RpcException(RpcException.SERVER_ERROR, new ErrorData(ErrorCode.ECONNRESET.name(), ErrorData.TRANSIENT,
        "connection to the daemon lost: " + cause.getMessage(), null, null, null, null));
  }

  @Override
  public void close() {
    try {
      channel.close();
      reader.join(2000);
    } catch (IOException ignored) {
      // closing anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
