package dev.prebundled.cache;

/** One file of a committed unit as the manifest records it: its name, the sha256 (hex) and size of its bytes. */
public record ManifestFile(String name, String sha256, long size) {
  public ManifestFile {
    // Checked again on read: a manifest edited to name "../x" must not make us open it.
    CacheNames.contentFileName(name);
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("bad sha256 for " + name);
    if (size < 0) throw new IllegalArgumentException("negative size for " + name);
  }
}
