package dev.prebundled.cache;

/**
 * A snapshot of the index's counters: lookups served from the cache (hits) or not (misses, which
 * include corrupt entries dropped), integrity checks run and failed, and the units held in memory
 * with their estimated weight.
 */
public record IndexStats(long hits, long misses, long verifications, long corruptions, long entries, long weightBytes) {}
