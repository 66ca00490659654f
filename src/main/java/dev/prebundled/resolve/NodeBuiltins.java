package dev.prebundled.resolve;

import java.util.Set;

/**
 * Recognises Node's built-in modules, so callers can treat {@code fs}, {@code node:path} or
 * {@code stream/promises} as builtins rather than packages. The list is Node's
 * {@code module.builtinModules} (Node 20 to 24, the internal {@code _stream_*}-style names
 * included), plus the ids that exist only with the {@code node:} prefix ({@code node:test},
 * {@code node:sqlite}, {@code node:sea}). Deliberately this class only answers "is it a builtin
 * name": a package installed in {@code node_modules} under a builtin's name ({@code events},
 * {@code buffer}, {@code util}, {@code punycode}) is what Vite serves to browser code, so the
 * caller must first look for the installed package and fall back to the builtin only when none is
 * found (see {@link ModuleResolver#findPackageDir}).
 */
public final class NodeBuiltins {

  private static final Set<String> NAMES =
      Set.of(
          "_http_agent", "_http_client", "_http_common", "_http_incoming", "_http_outgoing",
          "_http_server", "_stream_duplex", "_stream_passthrough", "_stream_readable",
          "_stream_transform", "_stream_wrap", "_stream_writable", "_tls_common", "_tls_wrap",
          "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "console",
          "constants", "crypto", "dgram", "diagnostics_channel", "dns", "dns/promises", "domain",
          "events", "fs", "fs/promises", "http", "http2", "https", "inspector",
          "inspector/promises", "module", "net", "os", "path", "path/posix", "path/win32",
          "perf_hooks", "process", "punycode", "querystring", "readline", "readline/promises",
          "repl", "stream", "stream/consumers", "stream/promises", "stream/web", "string_decoder",
          "sys", "timers", "timers/promises", "tls", "trace_events", "tty", "url", "util",
          "util/types", "v8", "vm", "wasi", "worker_threads", "zlib");

  // Only reachable with the prefix: a bare "test" is an ordinary package name.
  private static final Set<String> PREFIX_ONLY =
      Set.of("test", "test/reporters", "sqlite", "sea", "quic");

  private static final String PREFIX = "node:";

  private NodeBuiltins() {}

  /**
   * Whether {@code specifier} names a Node builtin: any {@code node:}-prefixed id of a known
   * builtin, or an unprefixed builtin name such as {@code fs} or {@code stream/promises}.
   */
  public static boolean isBuiltin(String specifier) {
    if (specifier == null) {
      return false;
    }
    if (specifier.startsWith(PREFIX)) {
      String name = specifier.substring(PREFIX.length());
      return NAMES.contains(name) || PREFIX_ONLY.contains(name);
    }
    return NAMES.contains(specifier);
  }

  /** Whether the specifier carries the {@code node:} prefix, which no installed package can shadow. */
  public static boolean hasNodePrefix(String specifier) {
    return specifier != null && specifier.startsWith(PREFIX);
  }

  /** The unprefixed builtin names (an immutable set). */
  public static Set<String> names() {
    return NAMES;
  }
}
