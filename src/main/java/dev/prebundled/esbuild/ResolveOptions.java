package dev.prebundled.esbuild;

/**
 * Arguments of {@link PluginBuild#resolve}: how esbuild should resolve a path on a plugin's behalf.
 * Plugin data lets the caller mark the request so its own onResolve callback can step aside and
 * avoid recursing into itself.
 */
public record ResolveOptions(
    String importer, String namespace, String resolveDir, ResolveKind kind, Object pluginData) {

  public static ResolveOptions from(String resolveDir, ResolveKind kind) {
    return new ResolveOptions("", "file", resolveDir, kind, null);
  }

  public ResolveOptions withPluginData(Object data) {
    return new ResolveOptions(importer, namespace, resolveDir, kind, data);
  }
}
