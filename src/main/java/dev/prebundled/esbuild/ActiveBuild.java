package dev.prebundled.esbuild;

import dev.prebundled.error.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host side of one build in flight: the callbacks its plugins registered, the table that maps
 * the opaque integers esbuild passes around as {@code pluginData} to real Java objects, and the
 * translation of esbuild's callback requests into calls on those callbacks.
 */
final class ActiveBuild implements PluginBuild {
  private static final long RESOLVE_TIMEOUT_SECONDS = 120;

  private record Registered<C>(int id, String pluginName, String filter, String namespace, C callback) {}

  private final int key;
  private final BuildOptions options;
  private final EsbuildProcess process;
  private final AtomicInteger nextCallbackId = new AtomicInteger();
  private final AtomicInteger nextPluginDataId = new AtomicInteger(1);
  private final Map<Integer, Object> pluginData = new ConcurrentHashMap<>();
  private final List<Registered<Runnable>> onStart = new ArrayList<>();
  private final Map<Integer, Registered<OnResolveCallback>> onResolve = new LinkedHashMap<>();
  private final Map<Integer, Registered<OnLoadCallback>> onLoad = new LinkedHashMap<>();
  private String settingUp;

  ActiveBuild(int key, BuildOptions options, EsbuildProcess process) {
    this.key = key;
    this.options = options;
    this.process = process;
    for (EsbuildPlugin plugin : options.plugins()) {
      settingUp = plugin.name();
      plugin.setup(this);
    }
    settingUp = null;
  }

  int key() {
    return key;
  }

  // ---- registration (during setup only) ----

  @Override
  public void onStart(Runnable callback) {
    onStart.add(new Registered<>(-1, requireSetup(), "", "", callback));
  }

  @Override
  public void onResolve(String filter, String namespace, OnResolveCallback callback) {
    int id = nextCallbackId.getAndIncrement();
    onResolve.put(id, new Registered<>(id, requireSetup(), filter, namespace, callback));
  }

  @Override
  public void onLoad(String filter, String namespace, OnLoadCallback callback) {
    int id = nextCallbackId.getAndIncrement();
    onLoad.put(id, new Registered<>(id, requireSetup(), filter, namespace, callback));
  }

  private String requireSetup() {
    if (settingUp == null) throw new IllegalStateException("callbacks can only be registered in setup()");
    return settingUp;
  }

  @Override
  public BuildOptions options() {
    return options;
  }

  @Override
  public ResolveResult resolve(String path, ResolveOptions resolveOptions) {
    Map<String, Object> request = new HashMap<>();
    request.put("command", "resolve");
    request.put("key", key);
    request.put("path", path);
    request.put("pluginName", "");
    request.put("importer", resolveOptions.importer());
    request.put("namespace", resolveOptions.namespace());
    request.put("resolveDir", resolveOptions.resolveDir());
    request.put("kind", resolveOptions.kind().wireName());
    request.put("with", Map.of());
    if (resolveOptions.pluginData() != null) request.put("pluginData", store(resolveOptions.pluginData()));
    Map<String, Object> response;
    try {
      response = process.request(request).get(RESOLVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new EsbuildException(ErrorCode.ETIMEDOUT, "esbuild did not answer resolve(" + path + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EsbuildException(ErrorCode.ETIMEDOUT, "interrupted while resolving " + path);
    }
    if (response.get("error") instanceof String error) {
      throw new EsbuildException(ErrorCode.BAD_REQUEST, error);
    }
    return new ResolveResult(
        Wire.string(response, "path"),
        Wire.string(response, "namespace"),
        Wire.bool(response, "external"),
        Wire.string(response, "suffix"),
        lookup(response.get("pluginData")),
        Message.listFromWire(response.get("errors")),
        Message.listFromWire(response.get("warnings")));
  }

  // ---- the request esbuild receives ----

  Map<String, Object> toWireRequest() {
    Map<String, Object> request = new HashMap<>();
    request.put("command", "build");
    request.put("key", key);
    request.put("entries", options.entryPoints().stream().map(e -> (Object) List.of(e.outputPath(), e.inputPath())).toList());
    request.put("flags", options.flags());
    request.put("write", options.write());
    request.put("stdinContents", null);
    request.put("stdinResolveDir", null);
    request.put("absWorkingDir", options.workingDir().toString());
    request.put("nodePaths", List.of());
    request.put("context", false);
    if (!options.plugins().isEmpty()) request.put("plugins", wirePlugins());
    return request;
  }

  private List<Object> wirePlugins() {
    List<Object> plugins = new ArrayList<>();
    for (EsbuildPlugin plugin : options.plugins()) {
      Map<String, Object> wire = new HashMap<>();
      wire.put("name", plugin.name());
      wire.put("onStart", onStart.stream().anyMatch(r -> r.pluginName().equals(plugin.name())));
      wire.put("onEnd", false);
      wire.put("onResolve", filters(onResolve, plugin.name()));
      wire.put("onLoad", filters(onLoad, plugin.name()));
      plugins.add(wire);
    }
    return plugins;
  }

  private static List<Object> filters(Map<Integer, ? extends Registered<?>> callbacks, String pluginName) {
    return callbacks.values().stream()
        .filter(r -> r.pluginName().equals(pluginName))
        .map(r -> (Object) Map.of("id", r.id(), "filter", r.filter(), "namespace", r.namespace()))
        .toList();
  }

  // ---- callbacks from esbuild ----

  Map<String, Object> handle(Map<String, Object> request) {
    return switch (Wire.string(request, "command")) {
      case "on-start" -> runOnStart();
      case "on-resolve" -> runOnResolve(request);
      case "on-load" -> runOnLoad(request);
      case "on-end" -> Map.of("errors", List.of(), "warnings", List.of());
      default -> Map.of();
    };
  }

  private Map<String, Object> runOnStart() {
    List<Message> errors = new ArrayList<>();
    for (Registered<Runnable> registered : onStart) {
      try {
        registered.callback().run();
      } catch (RuntimeException e) {
        errors.add(Message.of(registered.pluginName(), String.valueOf(e.getMessage())));
      }
    }
    return Map.of("errors", Message.listToWire(errors), "warnings", List.of());
  }

  private Map<String, Object> runOnResolve(Map<String, Object> request) {
    OnResolveArgs args =
        new OnResolveArgs(
            Wire.string(request, "path"),
            Wire.string(request, "importer"),
            Wire.string(request, "namespace"),
            Wire.string(request, "resolveDir"),
            ResolveKind.fromWire(Wire.string(request, "kind")),
            lookup(request.get("pluginData")),
            stringMap(request.get("with")));
    for (Object id : Wire.list(request, "ids")) {
      Registered<OnResolveCallback> registered = onResolve.get(((Number) id).intValue());
      if (registered == null) continue;
      Optional<OnResolveResult> result;
      try {
        result = registered.callback().resolve(args);
      } catch (Exception e) {
        return callbackError(registered, e);
      }
      if (result.isPresent()) return resolveResponse(registered, result.get());
    }
    return Map.of();
  }

  private Map<String, Object> runOnLoad(Map<String, Object> request) {
    OnLoadArgs args =
        new OnLoadArgs(
            Wire.string(request, "path"),
            Wire.string(request, "namespace"),
            Wire.string(request, "suffix"),
            lookup(request.get("pluginData")),
            stringMap(request.get("with")));
    for (Object id : Wire.list(request, "ids")) {
      Registered<OnLoadCallback> registered = onLoad.get(((Number) id).intValue());
      if (registered == null) continue;
      Optional<OnLoadResult> result;
      try {
        result = registered.callback().load(args);
      } catch (Exception e) {
        return callbackError(registered, e);
      }
      if (result.isPresent()) return loadResponse(registered, result.get());
    }
    return Map.of();
  }

  private Map<String, Object> resolveResponse(Registered<?> registered, OnResolveResult result) {
    Map<String, Object> response = new HashMap<>();
    response.put("id", registered.id());
    response.put("pluginName", registered.pluginName());
    if (result.path() != null) response.put("path", result.path());
    if (result.namespace() != null && !result.namespace().isEmpty()) response.put("namespace", result.namespace());
    if (result.external()) response.put("external", true);
    if (result.sideEffects() != null) response.put("sideEffects", result.sideEffects());
    if (result.suffix() != null) response.put("suffix", result.suffix());
    if (result.pluginData() != null) response.put("pluginData", store(result.pluginData()));
    response.put("errors", Message.listToWire(named(result.errors(), registered)));
    response.put("warnings", Message.listToWire(named(result.warnings(), registered)));
    return response;
  }

  private Map<String, Object> loadResponse(Registered<?> registered, OnLoadResult result) {
    Map<String, Object> response = new HashMap<>();
    response.put("id", registered.id());
    response.put("pluginName", registered.pluginName());
    if (result.contents() != null) response.put("contents", result.contents());
    if (result.loader() != null) response.put("loader", result.loader());
    if (result.resolveDir() != null) response.put("resolveDir", result.resolveDir());
    if (result.pluginData() != null) response.put("pluginData", store(result.pluginData()));
    response.put("errors", Message.listToWire(named(result.errors(), registered)));
    response.put("warnings", Message.listToWire(named(result.warnings(), registered)));
    return response;
  }

  private static Map<String, Object> callbackError(Registered<?> registered, Exception e) {
    String text = e.getMessage() == null ? e.toString() : e.getMessage();
    return Map.of(
        "id", registered.id(),
        "pluginName", registered.pluginName(),
        "errors", Message.listToWire(List.of(Message.of(registered.pluginName(), text))),
        "warnings", List.of());
  }

  private static List<Message> named(List<Message> messages, Registered<?> registered) {
    return messages.stream()
        .map(m -> m.pluginName().isEmpty()
            ? new Message(m.id(), registered.pluginName(), m.text(), m.location(), m.notes())
            : m)
        .toList();
  }

  private int store(Object data) {
    int id = nextPluginDataId.getAndIncrement();
    pluginData.put(id, data);
    return id;
  }

  private Object lookup(Object wireValue) {
    return wireValue instanceof Number n ? pluginData.get(n.intValue()) : null;
  }

  private static Map<String, String> stringMap(Object value) {
    if (!(value instanceof Map<?, ?> map)) return Map.of();
    Map<String, String> result = new HashMap<>();
    map.forEach((k, v) -> result.put(String.valueOf(k), String.valueOf(v)));
    return Map.copyOf(result);
  }
}
