package dev.prebundled.resolve;

/** How a module file is to be loaded: as an ES module, as CommonJS, or as JSON data. */
public enum ModuleFormat {
  ESM,
  COMMONJS,
  JSON
}
