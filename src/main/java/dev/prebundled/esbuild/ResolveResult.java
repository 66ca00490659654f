package dev.prebundled.esbuild;

import java.util.List;

/** esbuild's answer to {@link PluginBuild#resolve}: the resolved path or the errors. */
public record ResolveResult(
    String path, String namespace, boolean external, String suffix, Object pluginData,
    List<Message> errors, List<Message> warnings) {

  public boolean succeeded() {
    return errors.isEmpty();
  }
}
