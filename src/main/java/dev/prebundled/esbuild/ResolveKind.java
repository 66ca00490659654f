package dev.prebundled.esbuild;

/** How a path was imported, as esbuild reports it to onResolve callbacks. */
public enum ResolveKind {
  ENTRY_POINT("entry-point"),
  IMPORT_STATEMENT("import-statement"),
  REQUIRE_CALL("require-call"),
  DYNAMIC_IMPORT("dynamic-import"),
  REQUIRE_RESOLVE("require-resolve"),
  IMPORT_RULE("import-rule"),
  COMPOSES_FROM("composes-from"),
  URL_TOKEN("url-token");

  private final String wireName;

  ResolveKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  static ResolveKind fromWire(String name) {
    for (ResolveKind kind : values()) {
      if (kind.wireName.equals(name)) return kind;
    }
    throw new IllegalArgumentException("unknown resolve kind: " + name);
  }
}
