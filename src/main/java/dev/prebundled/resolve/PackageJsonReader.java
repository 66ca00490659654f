package dev.prebundled.resolve;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import dev.prebundled.error.SourceLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code package.json} files into {@link PackageJson}, with a bounded cache keyed by path
 * and validated by modification time and size, so resolving a thousand specifiers of one install
 * parses each file once while an edited or reinstalled file is read again. A file that is not
 * valid JSON, or whose top level is not an object, fails with {@link ErrorCode#INVALID_PACKAGE}
 * naming the file and, for syntax errors, the line and column Jackson reports. Thread-safe; one
 * instance is meant to be shared by the resolvers of a daemon.
 */
public final class PackageJsonReader {

  private record Entry(FileTime modified, long size, PackageJson packageJson) {}

  private final ObjectMapper mapper = new ObjectMapper();
  private final Cache<Path, Entry> cache;

  public PackageJsonReader() {
    this(10_000);
  }

  public PackageJsonReader(long maximumEntries) {
    this.cache = Caffeine.newBuilder().maximumSize(maximumEntries).build();
  }

  /** Reads {@code file}, which must exist; a missing file is {@link ErrorCode#INVALID_PACKAGE}. */
  public PackageJson read(Path file) {
    return readIfExists(file)
        .orElseThrow(
            () ->
                new PrebundledException(
                    ErrorCode.INVALID_PACKAGE,
                    "Missing package.json: " + file,
                    null,
                    SourceLocation.ofFile(file.toString()),
                    null));
  }

  /** Reads {@code file} when it exists as a regular file, else returns empty. */
  public Optional<PackageJson> readIfExists(Path file) {
    Path key = file.toAbsolutePath().normalize();
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(key, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      cache.invalidate(key);
      return Optional.empty();
    } catch (IOException e) {
      throw new PrebundledException(ErrorCode.EBUSY, "Cannot stat " + key + ": " + e, e);
    }
    if (!attributes.isRegularFile()) {
      return Optional.empty();
    }
    Entry cached = cache.getIfPresent(key);
    if (cached != null
        && cached.modified().equals(attributes.lastModifiedTime())
        && cached.size() == attributes.size()) {
      return Optional.of(cached.packageJson());
    }
    PackageJson parsed = parse(key);
    cache.put(key, new Entry(attributes.lastModifiedTime(), attributes.size(), parsed));
    return Optional.of(parsed);
  }

  /** Reads {@code dir/package.json} when it exists. */
  public Optional<PackageJson> readInDir(Path dir) {
    return readIfExists(dir.resolve("package.json"));
  }

  /**
   * The nearest {@code package.json} at or above {@code dir}, not going above {@code boundary}
   * (inclusive) when it is an ancestor of {@code dir}, and never into or above a
   * {@code node_modules} directory (Node's package scope lookup stops there too).
   */
  public Optional<PackageJson> nearest(Path dir, Path boundary) {
    Path stop = boundary == null ? null : boundary.toAbsolutePath().normalize();
    for (Path current = dir.toAbsolutePath().normalize(); current != null; current = current.getParent()) {
      Path last = current.getFileName();
      if (last != null && last.toString().equals("node_modules")) {
        return Optional.empty();
      }
      Optional<PackageJson> found = readInDir(current);
      if (found.isPresent()) {
        return found;
      }
      if (current.equals(stop)) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Number of cached files; for tests and metrics. */
  public long cachedCount() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  private PackageJson parse(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new PrebundledException(ErrorCode.EBUSY, "Cannot read " + file + ": " + e, e);
    }
    JsonNode root;
    try {
      root = mapper.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw invalidJson(file, bytes, e);
    } catch (IOException e) {
      throw new PrebundledException(ErrorCode.EBUSY, "Cannot read " + file + ": " + e, e);
    }
    if (root == null || !root.isObject()) {
      throw new PrebundledException(
          ErrorCode.INVALID_PACKAGE,
          "Invalid package.json " + file + ": the top level is not a JSON object",
          null,
          SourceLocation.ofFile(file.toString()),
          null);
    }
    Map<String, String> strings = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getValue().isTextual()) {
        strings.put(field.getKey(), field.getValue().asText());
      }
    }
    return new PackageJson(
        file,
        strings.get("name"),
        strings.get("version"),
        strings.get("type"),
        strings.get("main"),
        strings.get("module"),
        root.path("browser"),
        root.path("exports"),
        root.path("imports"),
        root.has("sideEffects") ? root.get("sideEffects") : MissingNode.getInstance(),
        strings);
  }

  private static PrebundledException invalidJson(Path file, byte[] bytes, JsonProcessingException e) {
    JsonLocation where = e.getLocation();
    int line = where == null ? 0 : Math.max(0, where.getLineNr());
    // Jackson counts columns from 1; SourceLocation counts from 0.
    int column = where == null ? 0 : Math.max(0, where.getColumnNr() - 1);
    String lineText = "";
    if (line > 0) {
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n", -1);
      lineText = line <= lines.length ? lines[line - 1] : "";
    }
    SourceLocation location = new SourceLocation(file.toString(), line, column, lineText);
    return new PrebundledException(
        ErrorCode.INVALID_PACKAGE,
        "Invalid package.json " + location + ": " + e.getOriginalMessage(),
        null,
        location,
        e);
  }
}
