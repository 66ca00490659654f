package dev.prebundled.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prebundled.bundle.EntryRef;
import dev.prebundled.bundle.UnitRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link ProjectState}s in memory and on disk, one JSON file per project and mode under
 * {@code <cacheDir>/projects/}, written atomically (temporary file, then rename). An unreadable
 * file is logged and treated as empty: it only costs the analysis it would have saved.
 */
final class ProjectStore {
  private static final Logger log = LoggerFactory.getLogger(ProjectStore.class);

  /** The file format: units with their entries, and edges as "root|subpath" strings. */
  record Unit(String name, String version, String root, List<String> entries) {}

  record Edge(String from, List<String> to) {}

  record Stored(int schema, String project, String mode, List<Unit> units, List<Edge> edges) {}

  private final Path dir;
  private final ObjectMapper json;
  private final Map<String, ProjectState> states = new ConcurrentHashMap<>();

  ProjectStore(Path dir, ObjectMapper json) {
    this.dir = dir;
    this.json = json;
  }

  /** The projects loaded since the daemon started (those it has served). */
  List<ProjectState> loaded() {
    return List.copyOf(states.values());
  }

  ProjectState get(Path project, String mode) {
    return states.computeIfAbsent(project + "|" + mode, k -> load(project, mode));
  }

  void save(ProjectState state) {
    List<Unit> units = new ArrayList<>();
    state.units().forEach((unit, entries) -> {
      units.add(new Unit(unit.name(), unit.version(), unit.root().toString(), List.copyOf(entries)));
    });
    List<Edge> edges = new ArrayList<>();
    state.edges().forEach((from, to) -> edges.add(new Edge(key(from), to.stream().map(ProjectStore::key).toList())));
    try {
      Files.createDirectories(dir);
      Path file = fileOf(state.project(), state.mode());
      Path temp = Files.createTempFile(dir, ".project-", ".tmp");
      json.writeValue(temp.toFile(), new Stored(1, state.project().toString(), state.mode(), units, edges));
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("could not save the state of {}: {}", state.project(), e.getMessage());
    }
  }

  private ProjectState load(Path project, String mode) {
    ProjectState state = new ProjectState(project, mode);
    Path file = fileOf(project, mode);
    if (!Files.isRegularFile(file)) return state;
    try {
      Stored stored = json.readValue(file.toFile(), Stored.class);
      Map<String, UnitRef> byRoot = new HashMap<>();
      for (Unit unit : stored.units()) {
        UnitRef ref = new UnitRef(unit.name(), unit.version(), Path.of(unit.root()));
        byRoot.put(unit.root(), ref);
        unit.entries().forEach(entry -> state.addEntry(new EntryRef(ref, entry)));
      }
      for (Edge edge : stored.edges()) {
        EntryRef from = parse(edge.from(), byRoot);
        if (from == null) continue;
        Set<EntryRef> to = new LinkedHashSet<>();
        edge.to().forEach(t -> {
          EntryRef target = parse(t, byRoot);
          if (target != null) to.add(target);
        });
        state.addEdges(from, to);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("ignoring unreadable project state {}: {}", file, e.getMessage());
      return new ProjectState(project, mode);
    }
    return state;
  }

  private static String key(EntryRef entry) {
    return entry.unit().root() + "|" + entry.subpath();
  }

  private static EntryRef parse(String key, Map<String, UnitRef> byRoot) {
    int bar = key.lastIndexOf('|');
    UnitRef unit = bar < 0 ? null : byRoot.get(key.substring(0, bar));
    return unit == null ? null : new EntryRef(unit, key.substring(bar + 1));
  }

  private Path fileOf(Path project, String mode) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(project.toString().getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(digest, 0, 8) + "-" + mode + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
