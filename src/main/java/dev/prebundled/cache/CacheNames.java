package dev.prebundled.cache;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.util.regex.Pattern;

/**
 * The checks that keep every name the cache turns into a path inside the cache directory: package
 * names, versions, entry subpaths and output file names. Anything that could climb out ({@code
 * ..}), start at the root, or smuggle a separator into a file name is a {@link
 * ErrorCode#BAD_REQUEST}, so a hostile request fails before any file is touched.
 */
final class CacheNames {
  /** The file every unit directory holds besides its content; no content file may take its name. */
  static final String MANIFEST = "manifest.json";

  // npm allows these in names (old packages keep upper case, e.g. JSONStream); '/' only after a scope.
  private static final Pattern NAME_PART = Pattern.compile("[A-Za-z0-9._~-]+");
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]*");
  private static final int MAX_NAME = 214;
  private static final int MAX_FILE_NAME = 255;

  private CacheNames() {}

  static String packageName(String name) {
    require(name != null && !name.isEmpty() && name.length() <= MAX_NAME, "package name", name);
    String[] parts = name.split("/", -1);
    boolean scoped = name.startsWith("@") && parts.length == 2;
    require(parts.length == 1 || scoped, "package name", name);
    String bare = scoped ? parts[1] : parts[0];
    String scope = scoped ? parts[0].substring(1) : "x";
    require(NAME_PART.matcher(bare).matches() && !bare.startsWith(".") && !bare.contains(".."), "package name", name);
    require(NAME_PART.matcher(scope).matches() && !scope.startsWith(".") && !scope.contains(".."), "package name", name);
    return name;
  }

  static String version(String version) {
    require(version != null && version.length() <= 256 && VERSION.matcher(version).matches() && !version.contains(".."),
        "version", version);
    return version;
  }

  /** An entry is a subpath such as {@code .} or {@code ./jsx-runtime}; it never names a directory of ours. */
  static String entry(String entry) {
    require(entry != null && !entry.isEmpty() && entry.length() <= 1024, "entry", entry);
    require(entry.indexOf('\\') < 0 && entry.indexOf('\0') < 0 && !entry.startsWith("/"), "entry", entry);
    for (String segment : entry.split("/", -1)) require(!segment.equals(".."), "entry", entry);
    return entry;
  }

  static String fileName(String name) {
    require(name != null && !name.isEmpty() && name.length() <= MAX_FILE_NAME, "file name", name);
    require(!name.equals(".") && !name.equals("..") && !name.contains(".."), "file name", name);
    require(name.indexOf('/') < 0 && name.indexOf('\\') < 0 && name.indexOf('\0') < 0 && name.indexOf(':') < 0,
        "file name", name);
    return name;
  }

  static String contentFileName(String name) {
    fileName(name);
    require(!name.equals(MANIFEST), "file name (reserved for the manifest)", name);
    return name;
  }

  private static void require(boolean ok, String what, String value) {
    if (!ok) {
      throw new PrebundledException(
          ErrorCode.BAD_REQUEST, "Invalid " + what + " for the cache: " + (value == null ? "null" : "\"" + value + "\"")
              + " (no '..', no absolute paths, no path separators in file names)");
    }
  }
}
