package dev.prebundled.resolve;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import dev.prebundled.error.SourceLocation;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The installed package a file belongs to: the directory right after the <em>last</em>
 * {@code node_modules} segment of the file's path ({@code @scope/name} for scoped packages), with
 * the name and version from that directory's {@code package.json}. Deliberately not the nearest
 * {@code package.json}: packages such as {@code @mui/material} ship {@code Button/package.json}
 * and {@code esm/package.json} files that are not packages of their own, and the build unit, the
 * cache key and the external-import resolution all hang on the real package.
 */
public record PackageRoot(Path dir, String name, String version) {

  /**
   * The package root directory of {@code file}, or empty when the path has no
   * {@code node_modules} segment followed by a package directory. Purely lexical.
   */
  public static Optional<Path> rootDirOf(Path file) {
    Path path = file.toAbsolutePath().normalize();
    int count = path.getNameCount();
    for (int i = count - 2; i >= 0; i--) {
      if (!path.getName(i).toString().equals("node_modules")) {
        continue;
      }
      String first = path.getName(i + 1).toString();
      int end = i + 2;
      if (first.startsWith("@")) {
        end = i + 3;
      }
      // Dot entries (.bin, .vite, .package-lock.json; .pnpm stores are followed by another
      // node_modules) and a bare @scope directory are no package.
      if (end > count || first.startsWith(".")) {
        return Optional.empty();
      }
      return Optional.of(path.getRoot().resolve(path.subpath(0, end)));
    }
    return Optional.empty();
  }

  /**
   * The package root of {@code file} with its name and version. Fails with
   * {@link ErrorCode#INVALID_PACKAGE} when the file is not inside {@code node_modules}, or the
   * root has no {@code package.json} with a name.
   */
  public static PackageRoot of(Path file, PackageJsonReader reader) {
    Path dir =
        rootDirOf(file)
            .orElseThrow(
                () ->
                    new PrebundledException(
                        ErrorCode.INVALID_PACKAGE,
                        "Not inside an installed package (no node_modules/<name> in the path): " + file));
    return ofDir(dir, reader);
  }

  /** The package whose root directory is {@code dir}. */
  public static PackageRoot ofDir(Path dir, PackageJsonReader reader) {
    PackageJson packageJson =
        reader
            .readInDir(dir)
            .orElseThrow(
                () ->
                    new PrebundledException(
                        ErrorCode.INVALID_PACKAGE,
                        "Package root " + dir + " has no package.json",
                        null,
                        SourceLocation.ofFile(dir.resolve("package.json").toString()),
                        null));
    if (packageJson.name() == null || packageJson.name().isEmpty()) {
      throw new PrebundledException(
          ErrorCode.INVALID_PACKAGE,
          "Package root " + dir + " has a package.json without a \"name\"",
          null,
          SourceLocation.ofFile(packageJson.file().toString()),
          null);
    }
    return new PackageRoot(dir, packageJson.name(), packageJson.version() == null ? "" : packageJson.version());
  }
}
