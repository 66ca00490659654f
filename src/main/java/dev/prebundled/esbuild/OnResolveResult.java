package dev.prebundled.esbuild;

import java.util.List;

/**
 * An onResolve callback's answer. Use the factories: {@link #file} for a real file, {@link
 * #virtual} for a module a plugin will load, {@link #external} for an import left as it is in the
 * output; add plugin data with {@link #withPluginData}.
 */
public record OnResolveResult(
    String path,
    String namespace,
    boolean external,
    Boolean sideEffects,
    String suffix,
    Object pluginData,
    List<Message> errors,
    List<Message> warnings) {

  public OnResolveResult {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
  }

  public static OnResolveResult file(java.nio.file.Path absolutePath) {
    return new OnResolveResult(absolutePath.toString(), "file", false, null, null, null, List.of(), List.of());
  }

  public static OnResolveResult virtual(String path, String namespace) {
    return new OnResolveResult(path, namespace, false, null, null, null, List.of(), List.of());
  }

  public static OnResolveResult external(String path) {
    return new OnResolveResult(path, "", true, null, null, null, List.of(), List.of());
  }

  public static OnResolveResult error(String text) {
    return new OnResolveResult(null, null, false, null, null, null, List.of(Message.of("", text)), List.of());
  }

  public OnResolveResult withPluginData(Object data) {
    return new OnResolveResult(path, namespace, external, sideEffects, suffix, data, errors, warnings);
  }

  public OnResolveResult withSideEffects(boolean value) {
    return new OnResolveResult(path, namespace, external, value, suffix, pluginData, errors, warnings);
  }
}
