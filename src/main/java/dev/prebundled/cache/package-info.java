/**
 * The versioned on-disk cache of built units (DESIGN.md section 5): keys and their hashes, the
 * manifest format, atomic commits and integrity checks on disk ({@link
 * dev.prebundled.cache.DiskCacheStore}), the in-memory index in front of it ({@link
 * dev.prebundled.cache.CacheIndex}), freshness and package fingerprints. A leaf: it depends on
 * nothing in prebundled but {@code dev.prebundled.error}; callers turn their build results into
 * {@link dev.prebundled.cache.UnitContents}.
 */
package dev.prebundled.cache;
