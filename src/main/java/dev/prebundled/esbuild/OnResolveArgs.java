package dev.prebundled.esbuild;

import java.util.Map;

/**
 * What esbuild asks an onResolve callback: the import path as written, the importing file, its
 * namespace, the directory to resolve from, how it was imported, the plugin data the importer was
 * loaded with (or null) and the import attributes.
 */
public record OnResolveArgs(
    String path,
    String importer,
    String namespace,
    String resolveDir,
    ResolveKind kind,
    Object pluginData,
    Map<String, String> with) {}
