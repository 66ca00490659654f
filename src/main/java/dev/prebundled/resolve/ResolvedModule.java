package dev.prebundled.resolve;

import java.nio.file.Path;

/**
 * Where a bare specifier (or a {@code #import}) resolved to: the package it belongs to (name and
 * version from the package root's {@code package.json}, and that root directory), the subpath that
 * was asked for ({@code .}, {@code ./client}, or {@code #name} for a package import), and the real
 * path of the file. When {@code browserExcluded} is true the package's {@code browser} field maps
 * the module to {@code false}: it must be served as an empty module, and {@code file} is the path
 * that was excluded (which need not exist).
 */
public record ResolvedModule(
    String packageName,
    String packageVersion,
    Path packageRoot,
    String subpath,
    Path file,
    boolean browserExcluded) {

  /** The specifier that names this module from outside the package, such as {@code react-dom/client}. */
  public String bareSpecifier() {
    if (subpath.startsWith("#")) {
      return subpath;
    }
    return subpath.equals(".") ? packageName : packageName + subpath.substring(1);
  }

  /** The file relative to the package root, with forward slashes ({@code dist/index.js}). */
  public String relativeFile() {
    return packageRoot.relativize(file).toString().replace('\\', '/');
  }
}
