package dev.prebundled.bundle;

/** One output file of a unit: its name in the unit's folder, its bytes and their sha256 (hex). */
public record BundledFile(String name, byte[] contents, String sha256) {
  @Override
  public String toString() {
    return name + " (" + contents.length + " bytes, sha256 " + sha256.substring(0, 12) + ")";
  }
}
