package dev.prebundled.bundle;

import java.nio.file.Path;

/**
 * An installed package as the planner sees it: name, version and the root directory it is
 * installed in. Two installs of one version are two refs; the cache may still share their builds.
 */
public record UnitRef(String name, String version, Path root) {
  public UnitRef {
    root = root.toAbsolutePath().normalize();
  }

  public String id() {
    return name + "@" + version;
  }
}
