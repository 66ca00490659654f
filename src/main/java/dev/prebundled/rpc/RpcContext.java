package dev.prebundled.rpc;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a method knows of the connection a request came on: its number, the session a {@code
 * hello} started on it, and callbacks to run when it closes (a closed connection ends its session).
 */
public final class RpcContext {
  private final long connection;
  private final AtomicReference<String> session = new AtomicReference<>();
  private final List<Runnable> onClose = new CopyOnWriteArrayList<>();

  RpcContext(long connection) {
    this.connection = connection;
  }

  public long connection() {
    return connection;
  }

  public Optional<String> session() {
    return Optional.ofNullable(session.get());
  }

  public void startSession(String id, Runnable onEnd) {
    session.set(id);
    onClose.add(onEnd);
  }

  void closed() {
    onClose.forEach(Runnable::run);
  }
}
