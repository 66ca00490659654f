package dev.prebundled.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves bare specifiers ({@code react-dom/client}) and package imports ({@code #internal}) from
 * a directory to files, the way Vite's resolver does for browser code, which is Node's algorithm
 * plus the bundler fields. The package is looked up in {@code node_modules} walking up from the
 * importer's directory (so nested versions resolve per importer), or is the importer's own package
 * for a self-reference. Inside the package, {@code exports} wins when present (conditions from
 * {@link ResolutionOptions}); otherwise the entry comes from {@code mainFields} (string
 * {@code browser}, {@code browser["."]}, {@code module}, ...), then {@code main}, then
 * {@code index}, and deep imports are files with extension and {@code /index} fallbacks. An object
 * {@code browser} field replaces files, and maps to an empty module where it says {@code false}.
 * Stateless apart from the shared {@link PackageJsonReader} cache; thread-safe.
 */
public final class ModuleResolver {

  private static final List<String> DEFAULT_ENTRIES = List.of("index.js", "index.json", "index.node");

  private final ResolutionOptions options;
  private final PackageJsonReader reader;
  private final Set<String> conditions;

  public ModuleResolver(ResolutionOptions options, PackageJsonReader reader) {
    this.options = options;
    this.reader = reader;
    this.conditions = options.conditionSet();
  }

  public ResolutionOptions options() {
    return options;
  }

  /**
   * Resolves {@code specifier} imported by a module in {@code fromDir}.
   *
   * @throws ModuleNotFoundException when the package, subpath or file cannot be found
   * @throws PrebundledException with {@link ErrorCode#BAD_REQUEST} for a malformed specifier, or
   *     {@link ErrorCode#INVALID_PACKAGE} for a broken package.json
   */
  public ResolvedModule resolve(String specifier, Path fromDir) {
    Path from = fromDir.toAbsolutePath().normalize();
    if (specifier != null && specifier.startsWith("#")) {
      return resolvePackageImport(specifier, from);
    }
    if (NodeBuiltins.hasNodePrefix(specifier)) {
      throw new ModuleNotFoundException(
          specifier, null, null, "'" + specifier + "' is a Node builtin module, not a package");
    }
    BareSpecifier bare = BareSpecifier.parse(specifier);

    // Node and Vite try a self-reference (the importer's own package, by name, through its
    // "exports") before node_modules.
    Optional<PackageJson> own = reader.nearest(from, null);
    if (own.isPresent() && bare.packageName().equals(own.get().name()) && own.get().hasExports()) {
      PackageJson packageJson = own.get();
      Path root = realPath(PackageRoot.rootDirOf(packageJson.file()).orElse(packageJson.dir()));
      return resolveInPackage(bare, realPath(packageJson.dir()), packageJson, root);
    }

    Path packageDir =
        findPackageDir(bare.packageName(), from)
            .orElseThrow(
                () ->
                    new ModuleNotFoundException(
                        specifier,
                        bare.packageName(),
                        null,
                        "Cannot find package '" + bare.packageName() + "' in node_modules of "
                            + from + " or any parent directory"
                            + (NodeBuiltins.isBuiltin(specifier) ? " (a Node builtin of that name exists)" : "")));
    Path realDir = realPath(packageDir);
    PackageJson packageJson =
        reader.readInDir(realDir).orElseGet(() -> PackageJson.absent(realDir.resolve("package.json")));
    return resolveInPackage(bare, realDir, packageJson, realDir);
  }

  /**
   * Resolves {@code specifier} (the package's own name, optionally with a subpath) inside the
   * package installed at {@code packageDir}, without looking in any {@code node_modules}: the
   * bundler already knows which installed copy it builds, and a package checked out on its own
   * (outside any node_modules) must still resolve its own entries.
   */
  public ResolvedModule resolveInPackageDir(String specifier, Path packageDir) {
    BareSpecifier bare = BareSpecifier.parse(specifier);
    Path realDir = realPath(packageDir.toAbsolutePath().normalize());
    PackageJson packageJson =
        reader.readInDir(realDir).orElseGet(() -> PackageJson.absent(realDir.resolve("package.json")));
    return resolveInPackage(bare, realDir, packageJson, realDir);
  }

  /**
   * The directory of an installed package named {@code packageName} that Node would use for an
   * importer in {@code fromDir}: the first {@code node_modules/<name>} directory walking up. A
   * caller that sees a builtin name ({@link NodeBuiltins#isBuiltin}) uses this first, because an
   * installed package of that name wins for browser code.
   */
  public Optional<Path> findPackageDir(String packageName, Path fromDir) {
    for (Path dir = fromDir.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      Path name = dir.getFileName();
      if (name != null && name.toString().equals("node_modules")) {
        continue; // node_modules/node_modules is never searched
      }
      Path candidate = dir.resolve("node_modules").resolve(packageName);
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private ResolvedModule resolveInPackage(
      BareSpecifier bare, Path dir, PackageJson packageJson, Path root) {
    String name = packageJson.name() != null ? packageJson.name() : bare.packageName();
    String version = packageJson.version() != null ? packageJson.version() : "";

    if (packageJson.hasExports()) {
      String exported =
          ConditionalExports.resolveExports(packageJson.exports(), bare.subpath(), conditions, packageJson.file())
              .orElseThrow(() -> notExported(bare, packageJson));
      // Vite applies an object "browser" field to the package entry even when it came from
      // "exports" (vitejs/vite#10323, "working as expected"); deep imports are left alone.
      String target =
          bare.isRoot()
              ? browserMapped(packageJson, exported).filter(String.class::isInstance).map(String.class::cast).orElse(exported)
              : exported;
      Path candidate = dir.resolve(target).normalize();
      Path file =
          tryFile(candidate, false)
              .orElseThrow(
                  () ->
                      new ModuleNotFoundException(
                          bare.specifier(),
                          name,
                          packageJson.file(),
                          "Package '" + name + "' exports '" + bare.subpath() + "' as '" + target
                              + "' in " + packageJson.file() + ", but " + candidate + " does not exist"));
      return new ResolvedModule(name, version, root, bare.subpath(), file, false);
    }

    if (bare.isRoot()) {
      Path file =
          resolveEntry(dir, packageJson, new ArrayDeque<>())
              .orElseThrow(
                  () ->
                      new ModuleNotFoundException(
                          bare.specifier(),
                          name,
                          packageJson.file(),
                          "Failed to resolve the entry of package '" + name + "' (" + dir
                              + "): its package.json main fields and index files point to no file"));
      return new ResolvedModule(name, version, root, ".", file, false);
    }

    String relative = bare.subpath();
    Optional<Object> mapped = browserMapped(packageJson, relative);
    if (mapped.isPresent() && Boolean.FALSE.equals(mapped.get())) {
      return new ResolvedModule(name, version, root, bare.subpath(), dir.resolve(relative).normalize(), true);
    }
    if (mapped.isPresent()) {
      relative = (String) mapped.get();
    }
    Path candidate = dir.resolve(relative).normalize();
    Path file =
        tryFile(candidate, true)
            .orElseThrow(
                () ->
                    new ModuleNotFoundException(
                        bare.specifier(),
                        name,
                        packageJson.file(),
                        "Cannot find '" + bare.subpath() + "' in package '" + name + "' (" + dir
                            + "): no file " + candidate + ", with extensions " + options.extensions()
                            + " or as a directory with an index or package.json"));
    return new ResolvedModule(name, version, root, bare.subpath(), file, false);
  }

  /**
   * The entry file of a package (or of a directory with its own package.json) without going
   * through subpaths: {@code exports["."]} if present, else the first of {@code mainFields} (plus
   * {@code main}) that is set, else {@code index.js}; mapped through an object {@code browser}
   * field, then found with extension and index fallbacks. {@code visiting} guards against a
   * package.json whose main points back at its own directory.
   */
  private Optional<Path> resolveEntry(Path dir, PackageJson packageJson, Deque<Path> visiting) {
    if (visiting.contains(dir)) {
      return Optional.empty();
    }
    visiting.push(dir);
    try {
      String entry = null;
      if (packageJson.hasExports()) {
        entry = ConditionalExports.resolveExports(packageJson.exports(), ".", conditions, packageJson.file()).orElse(null);
      }
      if (entry == null) {
        entry = mainFieldEntry(packageJson).orElse(null);
      }
      List<String> entries = entry != null ? List.of(entry) : DEFAULT_ENTRIES;
      for (String candidateEntry : entries) {
        String mappedEntry =
            browserMapped(packageJson, candidateEntry)
                .filter(String.class::isInstance)
                .map(String.class::cast)
                .orElse(candidateEntry);
        Optional<Path> file = tryFile(dir.resolve(mappedEntry).normalize(), true, visiting);
        if (file.isPresent()) {
          return file;
        }
      }
      return Optional.empty();
    } finally {
      visiting.pop();
    }
  }

  private Optional<String> mainFieldEntry(PackageJson packageJson) {
    for (String field : options.mainFields()) {
      Optional<String> value = packageJson.stringField(field);
      if (value.isPresent()) {
        return value;
      }
      if (field.equals("browser")) {
        Optional<JsonNode> dotEntry = packageJson.browserMap().map(map -> map.get("."));
        if (dotEntry.isPresent() && dotEntry.get() != null && dotEntry.get().isTextual()) {
          return Optional.of(dotEntry.get().asText());
        }
      }
    }
    // Vite always falls back to "main" after the configured main fields.
    return Optional.ofNullable(packageJson.main());
  }

  /**
   * Looks {@code relativePath} up in the package's object {@code browser} field, as Vite does:
   * keys and path are compared normalized, and a key may add {@code .js} or {@code /index.js}.
   * Returns the replacement (a {@code String}) or {@code Boolean.FALSE} for an excluded module;
   * empty when there is no object field, it has no entry for the path, or the browser field is not
   * in use.
   */
  private Optional<Object> browserMapped(PackageJson packageJson, String relativePath) {
    if (!options.usesBrowserField()) {
      return Optional.empty();
    }
    Optional<JsonNode> map = packageJson.browserMap();
    if (map.isEmpty()) {
      return Optional.empty();
    }
    String path = posixNormalize(relativePath);
    for (Iterator<Map.Entry<String, JsonNode>> it = map.get().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = posixNormalize(entry.getKey());
      boolean matches =
          path.equals(key)
              || (key.endsWith(".js") && key.substring(0, key.length() - 3).equals(path))
              || (key.endsWith("/index.js") && key.substring(0, key.length() - 9).equals(path));
      if (matches) {
        JsonNode value = entry.getValue();
        if (value.isTextual()) {
          return Optional.of(value.asText());
        }
        if (value.isBoolean() && !value.asBoolean()) {
          return Optional.of(Boolean.FALSE);
        }
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  // Like path.posix.normalize for the relative paths of package.json fields ("./a/../b" -> "b").
  private static String posixNormalize(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..") && !parts.isEmpty() && !parts.peekLast().equals("..")) {
        parts.removeLast();
      } else {
        parts.addLast(segment);
      }
    }
    return parts.isEmpty() ? "." : String.join("/", parts);
  }

  private ResolvedModule resolvePackageImport(String specifier, Path from) {
    PackageJson packageJson =
        reader
            .nearest(from, null)
            .orElseThrow(
                () ->
                    new ModuleNotFoundException(
                        specifier, null, null,
                        "Package import '" + specifier + "' used outside any package (no package.json above " + from + ")"));
    String name = packageJson.name();
    String target =
        ConditionalExports.resolveImports(packageJson.imports(), specifier, conditions, packageJson.file())
            .orElseThrow(
                () ->
                    new ModuleNotFoundException(
                        specifier,
                        name,
                        packageJson.file(),
                        "Package import '" + specifier + "' is not defined by \"imports\" in "
                            + packageJson.file()));
    if (!target.startsWith("./")) {
      // "imports" may map to another package, which is then resolved from this package.
      return resolve(target, packageJson.dir());
    }
    Path candidate = packageJson.dir().resolve(target).normalize();
    Path file =
        tryFile(candidate, true)
            .orElseThrow(
                () ->
                    new ModuleNotFoundException(
                        specifier,
                        name,
                        packageJson.file(),
                        "Package import '" + specifier + "' maps to '" + target + "' in "
                            + packageJson.file() + ", but " + candidate + " does not exist"));
    Path root = realPath(PackageRoot.rootDirOf(file).orElse(packageJson.dir()));
    PackageJson rootJson = reader.readInDir(root).orElse(packageJson);
    return new ResolvedModule(
        rootJson.name() != null ? rootJson.name() : (name == null ? "" : name),
        rootJson.version() != null ? rootJson.version() : "",
        root,
        specifier,
        file,
        false);
  }

  private Optional<Path> tryFile(Path path, boolean tryIndex) {
    return tryFile(path, tryIndex, new ArrayDeque<>());
  }

  /**
   * Vite's {@code tryFsResolve}: the path itself if it is a file, else with each extension, else
   * (when {@code tryIndex}) a directory through its own package.json entry or its index file.
   */
  private Optional<Path> tryFile(Path path, boolean tryIndex, Deque<Path> visiting) {
    if (Files.isRegularFile(path)) {
      return Optional.of(realPath(path));
    }
    Path parent = path.getParent();
    if (parent != null && Files.isDirectory(parent)) {
      for (String extension : options.extensions()) {
        Path withExtension = path.resolveSibling(path.getFileName() + extension);
        if (Files.isRegularFile(withExtension)) {
          return Optional.of(realPath(withExtension));
        }
      }
    }
    if (!tryIndex || !Files.isDirectory(path)) {
      return Optional.empty();
    }
    Optional<PackageJson> nested = reader.readInDir(path);
    if (nested.isPresent()) {
      Optional<Path> entry = resolveEntry(path, nested.get(), visiting);
      if (entry.isPresent()) {
        return entry;
      }
    }
    for (String extension : options.extensions()) {
      Path index = path.resolve("index" + extension);
      if (Files.isRegularFile(index)) {
        return Optional.of(realPath(index));
      }
    }
    return Optional.empty();
  }

  private ModuleNotFoundException notExported(BareSpecifier bare, PackageJson packageJson) {
    String name = bare.packageName();
    String what = bare.isRoot() ? "its main entry ('.')" : "subpath '" + bare.subpath() + "'";
    return new ModuleNotFoundException(
        bare.specifier(),
        name,
        packageJson.file(),
        "Package '" + name + "' does not export " + what + ": it is not defined by \"exports\" in "
            + packageJson.file() + " for conditions " + new java.util.TreeSet<>(conditions));
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }
}
