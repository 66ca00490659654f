package dev.prebundled.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prebundled.error.ErrorCode;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's socket: newline-delimited JSON-RPC 2.0 on a Unix domain socket that only its owner
 * may use (mode 0600, in a 0700 directory). Each request runs on a worker, admitted by a bulkhead
 * that bounds requests in service; responses go back in completion order. A bad line gets a
 * structured error and the connection stays open; nothing a client sends can stop the server.
 */
public final class RpcServer implements AutoCloseable {
  public static final int MAX_LINE_BYTES = 1 << 20;
  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

  private final ObjectMapper json;
  private final Map<String, RpcMethod> methods;
  private final Bulkhead bulkhead;
  private final Predicate<ErrorCode> isTransient;
  private final ServerSocketChannel server;
  private final Path socket;
  private final ExecutorService workers;
  private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextConnection = new AtomicLong();
  private final Thread acceptor;
  private volatile boolean closed;

  private RpcServer(Path socket, ServerSocketChannel server, ObjectMapper json, Map<String, RpcMethod> methods,
      Bulkhead bulkhead, Predicate<ErrorCode> isTransient) {
    this.socket = socket;
    this.server = server;
    this.json = json;
    this.methods = Map.copyOf(methods);
    this.bulkhead = bulkhead;
    this.isTransient = isTransient;
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "prebundled-rpc-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.acceptor = new Thread(this::acceptLoop, "prebundled-rpc-accept");
    this.acceptor.setDaemon(true);
  }

  /** Binds the socket (replacing a stale one: the caller holds the daemon lock) and starts accepting. */
  public static RpcServer start(Path socket, ObjectMapper json, Map<String, RpcMethod> methods, Bulkhead bulkhead,
      Predicate<ErrorCode> isTransient) throws IOException {
    Path dir = socket.getParent();
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.deleteIfExists(socket);
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    channel.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    RpcServer server = new RpcServer(socket, channel, json, methods, bulkhead, isTransient);
    server.acceptor.start();
    return server;
  }

  public Path socket() {
    return socket;
  }

  public int connections() {
    return connections.size();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        SocketChannel client = server.accept();
        connections.add(client);
        long id = nextConnection.incrementAndGet();
        workers.execute(() -> serve(client, new RpcContext(id)));
      } catch (IOException e) {
        if (!closed) log.warn("accepting a connection failed: {}", e.getMessage());
      }
    }
  }

  private void serve(SocketChannel client, RpcContext context) {
    Phaser inFlight = new Phaser(1);
    Object writeLock = new Object();
    try (InputStream in = SocketStreams.input(client); OutputStream out = SocketStreams.output(client)) {
      LineReader lines = new LineReader(in, MAX_LINE_BYTES);
      LineReader.Line line;
      while ((line = lines.next()) != null) {
        if (line.tooLong()) {
          write(out, writeLock, error(null, new RpcException(RpcException.INVALID_REQUEST,
              ErrorData.badRequest("request line over " + MAX_LINE_BYTES + " bytes (1 MiB) was skipped"))));
          continue;
        }
        if (line.text().isBlank()) continue;
        String text = line.text();
        inFlight.register();
        workers.execute(() -> {
          try {
            write(out, writeLock, handle(text, context));
          } finally {
            inFlight.arriveAndDeregister();
          }
        });
      }
      // The client closed its side: finish what it asked for, then close ours.
      inFlight.arriveAndAwaitAdvance();
    } catch (IOException e) {
      log.debug("connection {} ended: {}", context.connection(), e.getMessage());
    } finally {
      connections.remove(client);
      context.closed();
      try {
        client.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  private void write(OutputStream out, Object lock, ObjectNode response) {
    try {
      byte[] bytes = (json.writeValueAsString(response) + "\n").getBytes(StandardCharsets.UTF_8);
      synchronized (lock) {
        out.write(bytes);
        out.flush();
      }
    } catch (IOException e) {
      log.debug("could not answer a client: {}", e.getMessage());
    }
  }

  ObjectNode handle(String text, RpcContext context) {
    JsonNode request;
    try {
      request = json.readTree(text);
    } catch (JsonProcessingException e) {
      return error(null, new RpcException(RpcException.PARSE_ERROR, ErrorData.badRequest("malformed JSON: " + e.getOriginalMessage())));
    }
    JsonNode id = request.get("id");
    if (!request.isObject() || !request.path("method").isTextual() || (id != null && !id.isNumber() && !id.isTextual() && !id.isNull())) {
      return error(id, new RpcException(RpcException.INVALID_REQUEST,
          ErrorData.badRequest("a request is an object with a string \"method\", \"params\" and a number or string \"id\"")));
    }
    String name = request.get("method").asText();
    RpcMethod method = methods.get(name);
    if (method == null) {
      return error(id, new RpcException(RpcException.METHOD_NOT_FOUND,
          ErrorData.badRequest("unknown method \"" + name + "\"; known: " + String.join(", ", methods.keySet().stream().sorted().toList()))));
    }
    JsonNode params = request.has("params") ? request.get("params") : JsonNodeFactory.instance.objectNode();
    if (!params.isObject()) {
      return error(id, RpcException.invalidParams("params of " + name + " must be an object"));
    }
    try {
      Object result = bulkhead.executeCheckedSupplier(() -> method.call(params, context));
      ObjectNode response = envelope(id);
      response.set("result", json.valueToTree(result));
      return response;
    } catch (RpcException e) {
      return error(id, e);
    } catch (BulkheadFullException e) {
      return error(id, new RpcException(RpcException.SERVER_ERROR, new ErrorData(ErrorCode.EBUSY.name(), ErrorData.TRANSIENT,
          "the daemon is busy (server.processLimits.maxConcurrent requests in service); try again", null, null, null, null)));
    } catch (Throwable e) {
      if (!(e instanceof dev.prebundled.error.PrebundledException)) log.error("{} failed", name, e);
      return error(id, new RpcException(RpcException.SERVER_ERROR, ErrorData.of(e, isTransient)));
    }
  }

  private ObjectNode envelope(JsonNode id) {
    ObjectNode response = JsonNodeFactory.instance.objectNode();
    response.put("jsonrpc", "2.0");
    response.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
    return response;
  }

  private ObjectNode error(JsonNode id, RpcException e) {
    ObjectNode response = envelope(id);
    ObjectNode error = response.putObject("error");
    error.put("code", e.rpcCode());
    error.put("message", e.getMessage());
    error.set("data", json.valueToTree(e.data()));
    return response;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (SocketChannel connection : connections) {
      try {
        connection.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    workers.shutdownNow();
    try {
      acceptor.join(2000);
      Files.deleteIfExists(socket);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      log.debug("could not remove {}: {}", socket, e.getMessage());
    }
  }
}
