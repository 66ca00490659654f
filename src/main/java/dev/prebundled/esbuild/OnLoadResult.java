package dev.prebundled.esbuild;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An onLoad callback's answer: the module's contents, the loader that parses them ({@code js},
 * {@code ts}, {@code json}, ...), the directory its own imports resolve from, and plugin data for
 * those imports.
 */
public record OnLoadResult(
    byte[] contents, String loader, String resolveDir, Object pluginData, List<Message> errors, List<Message> warnings) {

  public OnLoadResult {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
  }

  public static OnLoadResult js(String source, String resolveDir) {
    return new OnLoadResult(source.getBytes(StandardCharsets.UTF_8), "js", resolveDir, null, List.of(), List.of());
  }

  public OnLoadResult withPluginData(Object data) {
    return new OnLoadResult(contents, loader, resolveDir, data, errors, warnings);
  }

  public OnLoadResult withLoader(String value) {
    return new OnLoadResult(contents, value, resolveDir, pluginData, errors, warnings);
  }
}
