package dev.prebundled.daemon;

import dev.prebundled.bundle.BuildMode;
import dev.prebundled.bundle.EntryRef;
import dev.prebundled.bundle.UnitRef;
import dev.prebundled.daemon.Messages.BundleParams;
import dev.prebundled.daemon.Messages.ImportSpec;
import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import dev.prebundled.resolve.BareSpecifier;
import dev.prebundled.resolve.PackageJsonReader;
import dev.prebundled.resolve.PackageRoot;
import dev.prebundled.resolve.ResolutionOptions;
import dev.prebundled.rpc.ErrorData;
import dev.prebundled.rpc.RpcException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns the params of {@code bundle}/{@code prewarm} into checked values. A malformed request as a
 * whole (no project, no imports, a wrong mode) is refused with invalid params; one bad import
 * (a package root outside the allowed roots, {@code ..} in a name or entry, a package.json that
 * says another name or version) fails alone with {@code BAD_REQUEST} or {@code MODULE_NOT_FOUND},
 * and the others of its batch are answered.
 */
final class RequestValidator {
  private static final Pattern SAFE_VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]*");
  private static final int MAX_IMPORTS = 10_000;

  /** A validated batch. */
  record Request(Path project, BuildMode mode, ResolutionOptions resolution, List<Checked> imports) {}

  /** One import after checking: its entry, or why it cannot be answered. */
  record Checked(ImportSpec spec, Optional<EntryRef> entry, Optional<ErrorData> error) {}

  private final List<Path> configuredRoots;
  private final PackageJsonReader packageJsons;

  RequestValidator(List<Path> configuredRoots, PackageJsonReader packageJsons) {
    this.configuredRoots = configuredRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    this.packageJsons = packageJsons;
  }

  Request validate(BundleParams params) {
    Path project = absoluteDirectory(params.project(), "project");
    List<Path> allowed = new ArrayList<>(configuredRoots);
    allowed.add(project);
    if (params.workspaceRoot() != null) allowed.add(absoluteDirectory(params.workspaceRoot(), "workspaceRoot"));
    BuildMode mode;
    try {
      mode = BuildMode.parse(params.mode() == null ? "development" : params.mode());
    } catch (IllegalArgumentException e) {
      throw RpcException.invalidParams("mode " + e.getMessage().substring("mode ".length()));
    }
    ResolutionOptions resolution = ResolutionOptions.viteClient(mode == BuildMode.PRODUCTION);
    if (params.conditions() != null) resolution = resolution.withConditions(params.conditions());
    if (params.mainFields() != null) resolution = resolution.withMainFields(params.mainFields());
    if (params.imports() == null || params.imports().isEmpty()) throw RpcException.invalidParams("imports must be a non-empty list");
    if (params.imports().size() > MAX_IMPORTS) throw RpcException.invalidParams("at most " + MAX_IMPORTS + " imports per request");
    List<Checked> checked = new ArrayList<>();
    for (ImportSpec spec : params.imports()) {
      if (spec == null) throw RpcException.invalidParams("imports must not contain null");
      try {
        checked.add(new Checked(spec, Optional.of(check(spec, allowed)), Optional.empty()));
      } catch (PrebundledException e) {
        checked.add(new Checked(spec, Optional.empty(), Optional.of(ErrorData.of(e, code -> false))));
      }
    }
    return new Request(project, mode, resolution, checked);
  }

  private EntryRef check(ImportSpec spec, List<Path> allowed) {
    String specifier = required(spec.specifier(), "specifier");
    String name = required(spec.name(), "name");
    String version = required(spec.version(), "version");
    String entry = spec.entry() == null ? "." : spec.entry();
    BareSpecifier bare = BareSpecifier.parse(name);
    if (!bare.isRoot()) throw bad(specifier, "name \"" + name + "\" is not a package name");
    if (!SAFE_VERSION.matcher(version).matches()) throw bad(specifier, "version \"" + version + "\" is not a version");
    if (!entry.equals(".") && (!entry.startsWith("./") || entry.length() == 2)) throw bad(specifier, "entry \"" + entry + "\" must be \".\" or start with \"./\"");
    for (String segment : entry.substring(Math.min(2, entry.length())).split("/", -1)) {
      if (!entry.equals(".") && (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.contains("\\"))) {
        throw bad(specifier, "entry \"" + entry + "\" has an empty, '.' or '..' segment");
      }
    }
    String rootText = required(spec.packageRoot(), "packageRoot");
    Path root = path(rootText, specifier);
    if (!root.isAbsolute() || !root.normalize().equals(root) || rootText.contains("/../") || rootText.endsWith("/..")) {
      throw bad(specifier, "packageRoot must be an absolute path without '..', got " + rootText);
    }
    if (allowed.stream().noneMatch(root::startsWith)) {
      throw bad(specifier, "packageRoot " + root + " is outside the allowed roots " + allowed);
    }
    if (!Files.isDirectory(root)) {
      throw new PrebundledException(ErrorCode.MODULE_NOT_FOUND, "package " + name + " is not installed at " + root, name, null, null);
    }
    PackageRoot installed = PackageRoot.ofDir(root, packageJsons);
    if (!installed.name().equals(name) || !installed.version().equals(version)) {
      throw bad(specifier, root + "/package.json is " + installed.name() + "@" + installed.version() + ", not " + name + "@" + version);
    }
    return new EntryRef(new UnitRef(name, version, root), entry);
  }

  private static Path path(String text, String specifier) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw bad(specifier, "packageRoot is not a valid path: " + e.getMessage());
    }
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) throw new PrebundledException(ErrorCode.BAD_REQUEST, field + " is required");
    return value;
  }

  private static PrebundledException bad(String specifier, String message) {
    return new PrebundledException(ErrorCode.BAD_REQUEST, specifier + ": " + message);
  }

  private static Path absoluteDirectory(String value, String field) {
    if (value == null || value.isBlank()) throw RpcException.invalidParams(field + " is required (an absolute directory)");
    Path path;
    try {
      path = Path.of(value);
    } catch (InvalidPathException e) {
      throw RpcException.invalidParams(field + " is not a valid path: " + e.getMessage());
    }
    if (!path.isAbsolute() || !path.normalize().equals(path)) throw RpcException.invalidParams(field + " must be an absolute path without '..', got " + value);
    if (!Files.isDirectory(path)) throw RpcException.invalidParams(field + " " + value + " is not a directory");
    return path;
  }
}
