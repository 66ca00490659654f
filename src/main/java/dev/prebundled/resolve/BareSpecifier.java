package dev.prebundled.resolve;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.util.regex.Pattern;

/**
 * A bare import specifier split into the npm package name and the subpath inside that package, as
 * Node's {@code PACKAGE_RESOLVE} splits it: {@code @scope/name/sub/path} is package
 * {@code @scope/name} with subpath {@code ./sub/path}, {@code react} is package {@code react} with
 * subpath {@code .}. Parsing refuses everything that is not a plain package import (empty strings,
 * relative and absolute paths, URLs and {@code node:} ids, {@code #imports}, {@code .}/{@code ..}
 * or empty segments, invalid names) with {@link ErrorCode#BAD_REQUEST}, because these strings come
 * from clients and end up as file-system paths.
 */
public record BareSpecifier(String packageName, String subpath) {

  // One part of a package name (the scope or the name). npm requires URL-safe names and forbids a
  // leading '.' or '_'; upper case is still found in old packages, so it is accepted.
  private static final Pattern NAME_PART = Pattern.compile("[A-Za-z0-9~-][A-Za-z0-9._~-]*");
  // A scheme such as "node:", "file:", "https:" or a Windows drive letter: never a package.
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
  private static final int MAX_NAME_LENGTH = 214;

  public BareSpecifier {
    if (packageName == null || subpath == null || !(subpath.equals(".") || subpath.startsWith("./"))) {
      throw new IllegalArgumentException("subpath must be '.' or start with './': " + subpath);
    }
  }

  /** Whether {@code specifier} looks like a package import at all (not relative, absolute, URL or #). */
  public static boolean isBare(String specifier) {
    return specifier != null
        && !specifier.isEmpty()
        && !specifier.startsWith(".")
        && !specifier.startsWith("/")
        && !specifier.startsWith("\\")
        && !specifier.startsWith("#")
        && !SCHEME.matcher(specifier).find();
  }

  /** Parses {@code specifier}, throwing {@link ErrorCode#BAD_REQUEST} when it is not a valid bare specifier. */
  public static BareSpecifier parse(String specifier) {
    if (specifier == null || specifier.isBlank()) {
      throw bad(specifier, "it is empty");
    }
    if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("\\")) {
      throw bad(specifier, "it is a relative or absolute path, not a package name");
    }
    if (specifier.startsWith("#")) {
      throw bad(specifier, "it is a package import (#...), resolved through the importing package's \"imports\"");
    }
    if (SCHEME.matcher(specifier).find()) {
      throw bad(specifier, "it is a URL or a prefixed id (such as node:), not a package name");
    }
    for (int i = 0; i < specifier.length(); i++) {
      char c = specifier.charAt(i);
      if (c == '\\' || c == '?' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw bad(specifier, "it contains '" + printable(c) + "'");
      }
    }
    String[] segments = specifier.split("/", -1);
    int nameSegments = specifier.startsWith("@") ? 2 : 1;
    if (segments.length < nameSegments) {
      throw bad(specifier, "a scoped name needs the form @scope/name");
    }
    String name;
    if (nameSegments == 2) {
      String scope = segments[0].substring(1);
      checkNamePart(specifier, scope, "scope");
      checkNamePart(specifier, segments[1], "name");
      name = segments[0] + "/" + segments[1];
    } else {
      checkNamePart(specifier, segments[0], "name");
      name = segments[0];
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw bad(specifier, "the package name is longer than " + MAX_NAME_LENGTH + " characters");
    }
    if (segments.length == nameSegments) {
      return new BareSpecifier(name, ".");
    }
    for (int i = nameSegments; i < segments.length; i++) {
      String segment = segments[i];
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw bad(specifier, "its subpath has an empty, '.' or '..' segment");
      }
    }
    return new BareSpecifier(name, "." + specifier.substring(name.length()));
  }

  /** The specifier as written: the package name followed by the subpath. */
  public String specifier() {
    return subpath.equals(".") ? packageName : packageName + subpath.substring(1);
  }

  /** Whether this names the package itself rather than a subpath in it. */
  public boolean isRoot() {
    return subpath.equals(".");
  }

  private static void checkNamePart(String specifier, String part, String what) {
    if (part.isEmpty()) {
      throw bad(specifier, "the package " + what + " is empty");
    }
    if (!NAME_PART.matcher(part).matches()) {
      throw bad(specifier, "'" + part + "' is not a valid package " + what);
    }
  }

  private static String printable(char c) {
    return Character.isISOControl(c) || Character.isWhitespace(c)
        ? String.format("\\u%04x", (int) c)
        : String.valueOf(c);
  }

  private static PrebundledException bad(String specifier, String why) {
    return new PrebundledException(
        ErrorCode.BAD_REQUEST, "Invalid bare specifier '" + specifier + "': " + why + ".");
  }
}
