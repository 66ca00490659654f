package dev.prebundled.cache;

import java.util.Arrays;

/**
 * One output file of a unit to commit: its name in the unit's directory (a plain file name, no
 * separators) and its bytes. The record takes ownership of the array, as the bundler's own file
 * records do, so a multi-megabyte bundle is not copied; nobody may change it afterwards.
 */
public record ContentFile(String name, byte[] contents) {
  public ContentFile {
    CacheNames.contentFileName(name);
    if (contents == null) throw new NullPointerException("contents");
  }

  // Records compare arrays by identity; compare bytes so equal files are equal values.
  @Override
  public boolean equals(Object other) {
    return other instanceof ContentFile f && name.equals(f.name) && Arrays.equals(contents, f.contents);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(contents);
  }

  @Override
  public String toString() {
    return name + " (" + contents.length + " bytes)";
  }
}
