package dev.prebundled.esbuild;

/**
 * A plugin written in Java. Like an esbuild JavaScript plugin, its {@link #setup} is called once
 * per build and registers callbacks on the {@link PluginBuild}; esbuild calls back only for paths
 * that match a callback's filter, so tight filters save round trips over the pipe.
 */
public interface EsbuildPlugin {
  String name();

  void setup(PluginBuild build);
}
