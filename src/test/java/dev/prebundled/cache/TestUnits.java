package dev.prebundled.cache;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Keys and unit contents for the cache tests; contents are a pure function of their seed so a test can rebuild what it expects. */
final class TestUnits {
  private TestUnits() {}

  static CacheKey key(String name, String version, String... entries) {
    return CacheKey.of(
        CacheKey.packageKey("{name}@{version}", name, version), name, version, "sha512-test", Set.of(entries), "dev",
        "es2020", List.of("browser", "import", "default"), List.of("browser", "module", "main"), "0.28.2");
  }

  static CacheKey key(String name) {
    return key(name, "1.0.0", ".");
  }

  /** A unit with an entry file per entry and one shared chunk, text-like so failures print readably. */
  static UnitContents contents(CacheKey key, String salt) {
    List<ContentFile> files = new ArrayList<>();
    Map<String, ManifestEntry> entries = new LinkedHashMap<>();
    int i = 0;
    for (String entry : key.entries()) {
      String file = "entry-" + i++ + ".js";
      files.add(new ContentFile(file, ("export default '" + key.name() + entry + salt + "';\n").getBytes(StandardCharsets.UTF_8)));
      entries.put(entry, new ManifestEntry(file, null, List.of("default", "x" + i), "index.js", "esm"));
    }
    files.add(new ContentFile("chunk-ABC.js", ("// shared " + salt + "\n").repeat(50).getBytes(StandardCharsets.UTF_8)));
    return new UnitContents(files, entries, List.of("react"), 42, List.of("a warning"));
  }

  static UnitContents contents(CacheKey key) {
    return contents(key, "");
  }

  /** Random binary contents of 1 to {@code maxFiles} files, a pure function of {@code seed}. */
  static UnitContents randomContents(long seed, int maxFiles, int maxBytes) {
    Random random = new Random(seed);
    int count = 1 + random.nextInt(maxFiles);
    List<ContentFile> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] bytes = new byte[1 + random.nextInt(maxBytes)];
      random.nextBytes(bytes);
      files.add(new ContentFile("file-" + i + ".js", bytes));
    }
    return new UnitContents(files, Map.of(".", new ManifestEntry("file-0.js", null, List.of("default"), "index.js", "cjs")),
        List.of(), 1, List.of());
  }
}
