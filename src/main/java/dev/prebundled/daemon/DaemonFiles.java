package dev.prebundled.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Where a daemon's files are for one cache directory: the lock, the info file that clients read
 * to find the socket, the socket (in the cache directory, or under the temp directory when that
 * path would exceed the OS limit for socket paths), the cache store and project states.
 */
public record DaemonFiles(Path cacheDir) {
  /** Unix socket paths are limited to about 108 bytes; stay well below. */
  private static final int MAX_SOCKET_PATH = 100;

  /** What a running daemon publishes about itself. */
  public record Info(long pid, String socket, int protocol, String version, String startedAt) {}

  public DaemonFiles {
    cacheDir = cacheDir.toAbsolutePath().normalize();
  }

  public Path lock() {
    return cacheDir.resolve("daemon.lock");
  }

  public Path info() {
    return cacheDir.resolve("daemon.json");
  }

  public Path projects() {
    return cacheDir.resolve("projects");
  }

  public Path socket() {
    Path inCache = cacheDir.resolve("daemon.sock");
    if (inCache.toString().length() <= MAX_SOCKET_PATH) return inCache;
    return Path.of(System.getProperty("java.io.tmpdir"), "prebundled-" + shortHash(cacheDir.toString()), "daemon.sock");
  }

  public Optional<Info> readInfo(ObjectMapper json) {
    try {
      return Files.isRegularFile(info()) ? Optional.of(json.readValue(info().toFile(), Info.class)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  void writeInfo(ObjectMapper json, long pid, Path socket, String version) throws IOException {
    Path temp = Files.createTempFile(cacheDir, ".daemon-", ".json");
    json.writeValue(temp.toFile(), new Info(pid, socket.toString(), Messages.PROTOCOL, version, Instant.now().toString()));
    Files.move(temp, info(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String shortHash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
