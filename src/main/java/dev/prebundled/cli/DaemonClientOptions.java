package dev.prebundled.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prebundled.daemon.DaemonFiles;
import dev.prebundled.rpc.RpcClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every command that talks to a running daemon shares, and how it connects. */
final class DaemonClientOptions {
  @Option(names = "--cache-dir", defaultValue = ".vite/optimize-cache", description = "The daemon's cache directory (default: ${DEFAULT-VALUE}).")
  Path cacheDir;

  DaemonFiles files() {
    return new DaemonFiles(cacheDir);
  }

  Optional<DaemonFiles.Info> info() {
    return files().readInfo(new ObjectMapper());
  }

  /** A connection, or empty when no daemon answers for this cache directory. */
  Optional<RpcClient> connect() {
    Optional<DaemonFiles.Info> info = info();
    if (info.isEmpty()) return Optional.empty();
    try {
      return Optional.of(RpcClient.connect(Path.of(info.get().socket())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
