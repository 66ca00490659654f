package dev.prebundled.resolve;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a file of a package is ESM or CommonJS the way Node does before it looks at
 * syntax: {@code .mjs} is ESM, {@code .cjs} is CommonJS, {@code .json} is JSON; otherwise the
 * {@code type} of the nearest {@code package.json} walking up from the file but not above its
 * package root (here "nearest" is right: nested {@code esm/package.json} files with
 * {@code "type": "module"} exist exactly to mark a folder). When no {@code package.json} in the
 * package states a {@code type}, the caller-supplied {@link ContentCheck} decides from the source,
 * because many packages ship ESM in {@code .js} files without {@code "type": "module"}.
 */
public final class ModuleFormatDetector {

  /** Decides the format of a file from its content; implemented by the lexer. */
  @FunctionalInterface
  public interface ContentCheck {
    ModuleFormat formatOf(Path file);
  }

  private final PackageJsonReader reader;
  private final ContentCheck contentCheck;

  public ModuleFormatDetector(PackageJsonReader reader, ContentCheck contentCheck) {
    this.reader = reader;
    this.contentCheck = contentCheck;
  }

  /** The format of {@code file}. */
  public ModuleFormat detect(Path file) {
    return byExtension(file)
        .or(() -> byPackageType(file))
        .orElseGet(() -> contentCheck.formatOf(file));
  }

  /** The format decided by the extension alone, if any. */
  public static Optional<ModuleFormat> byExtension(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".mjs") || name.endsWith(".mts")) {
      return Optional.of(ModuleFormat.ESM);
    }
    if (name.endsWith(".cjs") || name.endsWith(".cts")) {
      return Optional.of(ModuleFormat.COMMONJS);
    }
    if (name.endsWith(".json")) {
      return Optional.of(ModuleFormat.JSON);
    }
    return Optional.empty();
  }

  /**
   * The format stated by the {@code type} of the nearest {@code package.json} walking up from the
   * file, not above its package root; empty when that file has no {@code type} (or there is none),
   * which leaves the decision to the content check.
   */
  public Optional<ModuleFormat> byPackageType(Path file) {
    Path dir = file.toAbsolutePath().normalize().getParent();
    Optional<PackageJson> nearest = reader.nearest(dir, PackageRoot.rootDirOf(file).orElse(null));
    return nearest.flatMap(
        packageJson -> {
          if ("module".equals(packageJson.type())) {
            return Optional.of(ModuleFormat.ESM);
          }
          if ("commonjs".equals(packageJson.type())) {
            return Optional.of(ModuleFormat.COMMONJS);
          }
          return Optional.empty();
        });
  }
}
