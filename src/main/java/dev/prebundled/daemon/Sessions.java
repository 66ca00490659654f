package dev.prebundled.daemon;

import dev.prebundled.bundle.UnitRef;
import dev.prebundled.cache.CachedUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients the daemon serves and, for each, which build of every unit it has handed out. A
 * session keeps getting the build it was first given (even when another client's needs made the
 * unit grow), so one page never mixes two builds of a package; only when the session itself
 * needs a new entry of a unit it already served does it get a new build, with a reload.
 */
final class Sessions {
  /** One client (a Vite dev server): the build of each unit it was handed. */
  static final class Session {
    private final String id;
    private final Map<UnitRef, CachedUnit> served = new ConcurrentHashMap<>();

    Session(String id) {
      this.id = id;
    }

    String id() {
      return id;
    }

    Optional<CachedUnit> served(UnitRef unit) {
      return Optional.ofNullable(served.get(unit));
    }

    void serve(UnitRef unit, CachedUnit build) {
      served.put(unit, build);
    }
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong();

  Session open() {
    Session session = new Session("s-" + next.incrementAndGet());
    sessions.put(session.id(), session);
    return session;
  }

  /** The session of that id; an unknown or absent id (a client without hello) gets a throwaway one. */
  Session get(Optional<String> id) {
    return id.map(sessions::get).orElseGet(() -> new Session("anonymous"));
  }

  void close(String id) {
    sessions.remove(id);
  }

  int count() {
    return sessions.size();
  }
}
