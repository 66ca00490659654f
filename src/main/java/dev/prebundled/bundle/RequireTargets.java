package dev.prebundled.bundle;

import dev.prebundled.bundle.Facades.RequireShape;
import dev.prebundled.cjs.CjsExportResolver;
import dev.prebundled.error.PrebundledException;
import dev.prebundled.resolve.BareSpecifier;
import dev.prebundled.resolve.ModuleFormat;
import dev.prebundled.resolve.ModuleFormatDetector;
import dev.prebundled.resolve.ModuleResolver;
import dev.prebundled.resolve.ResolvedModule;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Decides, at build time, what a CommonJS {@code require()} of another package must return, by
 * resolving the target the same way the served import will be resolved: a CommonJS target gives
 * its {@code module.exports}; an ESM target, or a CommonJS one compiled from ESM ({@code
 * __esModule}), its namespace marked {@code __esModule}; a package that is not installed, an error
 * thrown only when the {@code require()} runs, so an optional peer inside {@code try} stays
 * catchable.
 */
final class RequireTargets {
  private final ModuleResolver resolver;
  private final ModuleFormatDetector formats;
  private final CjsExportResolver commonJs;

  RequireTargets(ModuleResolver resolver, ModuleFormatDetector formats, CjsExportResolver commonJs) {
    this.resolver = resolver;
    this.formats = formats;
    this.commonJs = commonJs;
  }

  /** Whether a package of that name is installed where {@code fromDir} would find it. */
  boolean isInstalled(String specifier, Path fromDir) {
    try {
      return resolver.findPackageDir(BareSpecifier.parse(specifier).packageName(), fromDir).isPresent();
    } catch (RuntimeException e) {
      return false;
    }
  }

  RequireShape shapeOf(String specifier, Path fromDir) {
    ResolvedModule target;
    try {
      target = resolver.resolve(specifier, fromDir);
    } catch (PrebundledException e) {
      return RequireShape.MISSING;
    }
    if (target.browserExcluded()) return RequireShape.MODULE_EXPORTS;
    ModuleFormat format = formats.detect(target.file());
    if (format == ModuleFormat.ESM) return RequireShape.NAMESPACE;
    if (format == ModuleFormat.JSON) return RequireShape.MODULE_EXPORTS;
    try {
      return commonJs.resolve(target.file()).names().contains("__esModule") ? RequireShape.NAMESPACE : RequireShape.MODULE_EXPORTS;
    } catch (IOException e) {
      return RequireShape.MODULE_EXPORTS;
    }
  }
}
