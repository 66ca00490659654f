package dev.prebundled.daemon;

import dev.prebundled.bundle.ClosureAnalyzer.Closure;
import dev.prebundled.bundle.EntryRef;
import dev.prebundled.bundle.UnitRef;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the daemon remembers of one project in one mode (DESIGN section 3, rule 4): the entry set
 * of every unit it has used, and the graph of which entry imports which. Seeding a plan from it
 * makes a restart with a warm cache build nothing and hand out the same files. Entry sets only
 * grow: over-including costs one build, under-including a reload. Not thread-safe: {@link
 * Prebundler} plans one batch per project at a time.
 */
final class ProjectState {
  private final Path project;
  private final String mode;
  private final Map<UnitRef, SortedSet<String>> units = new LinkedHashMap<>();
  private final Map<EntryRef, Set<EntryRef>> edges = new LinkedHashMap<>();

  ProjectState(Path project, String mode) {
    this.project = project;
    this.mode = mode;
  }

  Path project() {
    return project;
  }

  String mode() {
    return mode;
  }

  Map<UnitRef, SortedSet<String>> units() {
    return units;
  }

  Map<EntryRef, Set<EntryRef>> edges() {
    return edges;
  }

  List<EntryRef> allEntries() {
    return units.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(subpath -> new EntryRef(e.getKey(), subpath)))
        .toList();
  }

  SortedSet<String> entriesOf(UnitRef unit) {
    return units.getOrDefault(unit, new TreeSet<>());
  }

  Optional<Set<EntryRef>> knownEdges(EntryRef entry) {
    return Optional.ofNullable(edges.get(entry));
  }

  void addEntry(EntryRef entry) {
    units.computeIfAbsent(entry.unit(), u -> new TreeSet<>()).add(entry.subpath());
  }

  void addEdges(EntryRef from, Set<EntryRef> to) {
    edges.put(from, new LinkedHashSet<>(to));
  }

  /** Takes in a closure; true when anything new was learned (so it is worth saving). */
  boolean merge(Closure closure) {
    boolean changed = false;
    for (Map.Entry<UnitRef, SortedSet<String>> unit : closure.units().entrySet()) {
      changed |= units.computeIfAbsent(unit.getKey(), u -> new TreeSet<>()).addAll(unit.getValue());
    }
    for (Map.Entry<EntryRef, Set<EntryRef>> edge : closure.edges().entrySet()) {
      if (!edge.getValue().equals(edges.get(edge.getKey()))) {
        edges.put(edge.getKey(), new LinkedHashSet<>(edge.getValue()));
        changed = true;
      }
    }
    return changed;
  }
}
