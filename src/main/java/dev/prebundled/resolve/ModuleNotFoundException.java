package dev.prebundled.resolve;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import dev.prebundled.error.SourceLocation;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A specifier that cannot be resolved: the package is not installed where Node would look, it does
 * not export the subpath, or the file its fields point to is missing. Always
 * {@link ErrorCode#MODULE_NOT_FOUND}, a permanent failure; carries the specifier and, when the
 * package was found, its {@code package.json} as the location.
 */
public final class ModuleNotFoundException extends PrebundledException {
  private final String specifier;

  public ModuleNotFoundException(String specifier, String packageName, Path packageJson, String message) {
    super(
        ErrorCode.MODULE_NOT_FOUND,
        message,
        packageName,
        packageJson == null ? null : SourceLocation.ofFile(packageJson.toString()),
        null);
    this.specifier = specifier;
  }

  /** The specifier as requested. */
  public String specifier() {
    return specifier;
  }

  /** The package.json that refused the specifier, when the package was found. */
  public Optional<Path> packageJson() {
    return location().map(location -> Path.of(location.file()));
  }
}
