package dev.prebundled.esbuild;

import java.util.Map;

/**
 * What esbuild asks an onLoad callback: the resolved path, its namespace and suffix, and the plugin
 * data the resolver attached (or null).
 */
public record OnLoadArgs(
    String path, String namespace, String suffix, Object pluginData, Map<String, String> with) {}
