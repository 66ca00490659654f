package dev.prebundled.bundle;

import java.nio.file.Path;
import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The unit of work: one package at one version, with the set of its subpaths the app uses
 * ({@code .}, {@code ./client}, {@code ./Button}), built in one mode. All entries of a unit go into
 * one esbuild build with code splitting, so a module they share exists once (DESIGN section 3).
 */
public record PackageUnit(String name, String version, Path root, SortedSet<String> entries, BuildMode mode) {

  public PackageUnit {
    if (entries.isEmpty()) throw new IllegalArgumentException("a unit needs at least one entry");
    entries = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(entries));
    root = root.toAbsolutePath().normalize();
  }

  public static PackageUnit of(String name, String version, Path root, Collection<String> entries, BuildMode mode) {
    return new PackageUnit(name, version, root, new TreeSet<>(entries), mode);
  }

  /** {@code name@version}, how people and the cache name a package. */
  public String id() {
    return name + "@" + version;
  }

  /** The bare specifier of an entry: {@code react-dom} for {@code .}, {@code react-dom/client} for {@code ./client}. */
  public String specifierOf(String entry) {
    return entry.equals(".") ? name : name + entry.substring(1);
  }

  public PackageUnit withEntries(Collection<String> more) {
    TreeSet<String> union = new TreeSet<>(entries);
    union.addAll(more);
    return new PackageUnit(name, version, root, union, mode);
  }
}
