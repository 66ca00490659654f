package dev.prebundled.cache;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything a unit's output depends on: the package part ({@code name@version} by default, or the
 * configured {@code cacheKey} template), the package fingerprint (lockfile integrity or a hash of
 * its files), the sorted entry set, the build mode, target, resolve conditions and main fields,
 * the esbuild version and our output-format version. {@link #hash()} names the unit's directory;
 * keys that differ in any field hash differently, and a directory is only served for the exact key
 * its manifest records. Names and entries are checked on construction, so a key can always be
 * turned into a path safely.
 */
public record CacheKey(
    String packageKey,
    String name,
    String version,
    String fingerprint,
    SortedSet<String> entries,
    String mode,
    String target,
    List<String> conditions,
    List<String> mainFields,
    String esbuildVersion,
    int formatVersion) {

  /** The version of the files we write; bump it whenever output for the same inputs changes shape. */
  public static final int FORMAT_VERSION = 2;

  private static final int HASH_CHARS = 20;
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

  public CacheKey {
    Objects.requireNonNull(packageKey, "packageKey");
    CacheNames.packageName(name);
    CacheNames.version(version);
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(esbuildVersion, "esbuildVersion");
    if (entries == null || entries.isEmpty()) {
      throw new PrebundledException(ErrorCode.BAD_REQUEST, "a cache key needs at least one entry (" + name + ")");
    }
    entries.forEach(CacheNames::entry);
    // A TreeSet with natural order, whatever comparator the caller's set had: the hash relies on that order.
    entries = Collections.unmodifiableSortedSet(new TreeSet<>((Collection<String>) entries));
    conditions = List.copyOf(conditions);
    mainFields = List.copyOf(mainFields);
  }

  /** A key with the current {@link #FORMAT_VERSION}. */
  public static CacheKey of(
      String packageKey, String name, String version, String fingerprint, Collection<String> entries, String mode,
      String target, List<String> conditions, List<String> mainFields, String esbuildVersion) {
    return new CacheKey(packageKey, name, version, fingerprint, new TreeSet<>(entries), mode, target, conditions,
        mainFields, esbuildVersion, FORMAT_VERSION);
  }

  /**
   * Applies the seed's {@code cacheKey} template: {@code {name}} and {@code {version}} are replaced,
   * any other placeholder is a {@link ErrorCode#BAD_REQUEST} (a typo would otherwise silently merge
   * every version of a package into one key).
   */
  public static String packageKey(String template, String name, String version) {
    Objects.requireNonNull(template, "template");
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = switch (matcher.group(1)) {
        case "name" -> name;
        case "version" -> version;
        default -> throw new PrebundledException(
            ErrorCode.BAD_REQUEST, "unknown placeholder {" + matcher.group(1) + "} in cacheKey \"" + template
                + "\"; use {name} and {version}");
      };
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /**
   * The first 20 hex characters of the sha256 of a canonical serialization: every field is written
   * with its name and its length in bytes, and lists with their size, so no two different keys
   * serialize alike (no separator inside a value can shift a boundary).
   */
  public String hash() {
    MessageDigest digest = Sha256.digest();
    field(digest, "schema", "prebundled-cache-key/1");
    field(digest, "packageKey", packageKey);
    field(digest, "name", name);
    field(digest, "version", version);
    field(digest, "fingerprint", fingerprint);
    list(digest, "entries", entries);
    field(digest, "mode", mode);
    field(digest, "target", target);
    list(digest, "conditions", conditions);
    list(digest, "mainFields", mainFields);
    field(digest, "esbuildVersion", esbuildVersion);
    field(digest, "formatVersion", Integer.toString(formatVersion));
    return Sha256.hex(digest).substring(0, HASH_CHARS);
  }

  /** {@code name@version}, the folder under {@code v1/} that holds every key of this package version. */
  public String packageDir() {
    return name + "@" + version;
  }

  private static void field(MessageDigest digest, String fieldName, String value) {
    digest.update((fieldName + "=").getBytes(StandardCharsets.UTF_8));
    item(digest, value);
  }

  private static void list(MessageDigest digest, String fieldName, Collection<String> values) {
    digest.update((fieldName + "#" + values.size() + "\n").getBytes(StandardCharsets.UTF_8));
    values.forEach(value -> item(digest, value));
  }

  private static void item(MessageDigest digest, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    digest.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
    digest.update(bytes);
    digest.update((byte) '\n');
  }
}
