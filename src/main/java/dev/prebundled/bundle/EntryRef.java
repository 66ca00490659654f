package dev.prebundled.bundle;

/** One entry (subpath) of one installed package: a node of the dependency graph between units. */
public record EntryRef(UnitRef unit, String subpath) {
  public String specifier() {
    return subpath.equals(".") ? unit.name() : unit.name() + subpath.substring(1);
  }

  @Override
  public String toString() {
    return unit.id() + ":" + subpath;
  }
}
