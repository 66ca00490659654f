package dev.prebundled.esbuild;

import java.util.Optional;

/**
 * What a plugin sees of the build it is set up for: it registers callbacks and, from inside a
 * callback, can ask esbuild to resolve a path. Callbacks run on a worker pool, never on the thread
 * that reads esbuild's output, so they may block (a {@link #resolve} call waits for esbuild).
 * Filters are Go regular expressions (RE2: no lookaround, no back-references).
 */
public interface PluginBuild {

  /** Called when the build starts; an exception becomes a build error. */
  void onStart(Runnable callback);

  /** Registers a resolver for paths matching {@code filter} in {@code namespace} ("" for any). */
  void onResolve(String filter, String namespace, OnResolveCallback callback);

  default void onResolve(String filter, OnResolveCallback callback) {
    onResolve(filter, "", callback);
  }

  /** Registers a loader for paths matching {@code filter} in {@code namespace} ("" for any). */
  void onLoad(String filter, String namespace, OnLoadCallback callback);

  /** Resolves a path the way esbuild would, running all plugins again: guard against recursion. */
  ResolveResult resolve(String path, ResolveOptions options);

  BuildOptions options();

  /** An onResolve callback; an empty result lets the next callback (or esbuild) decide. */
  @FunctionalInterface
  interface OnResolveCallback {
    Optional<OnResolveResult> resolve(OnResolveArgs args) throws Exception;
  }

  /** An onLoad callback; an empty result lets the next callback (or esbuild) load the file. */
  @FunctionalInterface
  interface OnLoadCallback {
    Optional<OnLoadResult> load(OnLoadArgs args) throws Exception;
  }
}
