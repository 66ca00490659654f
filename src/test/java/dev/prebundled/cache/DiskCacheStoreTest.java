package dev.prebundled.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCacheStoreTest {
  private static final Instant BUILT = Instant.parse("2025-06-01T12:00:00Z");

  @TempDir Path cacheDir;

  private DiskCacheStore store() {
    return new DiskCacheStore(cacheDir, 4, Clock.fixed(BUILT, ZoneOffset.UTC));
  }

  @Test
  void commitThenFindGivesTheSameBytesAndManifest() throws IOException {
    DiskCacheStore store = store();
    CacheKey key = TestUnits.key("react", "19.3.1", ".", "./jsx-runtime");
    UnitContents contents = TestUnits.contents(key);

    CachedUnit committed = store.commit(key, contents);
    CachedUnit found = store.find(key).orElseThrow();

    assertThat(cacheDir.relativize(found.dir()).toString().replace('\\', '/')).isEqualTo("v1/react@19.3.1/" + key.hash());
    assertThat(found.dir()).isEqualTo(committed.dir());
    for (ContentFile file : contents.files()) {
      assertThat(Files.readAllBytes(found.file(file.name()))).isEqualTo(file.contents());
    }
    try (Stream<Path> listing = Files.list(found.dir())) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("entry-0.js", "entry-1.js", "chunk-ABC.js", "manifest.json");
    }
    Manifest manifest = found.manifest();
    assertThat(manifest).isEqualTo(committed.manifest());
    assertThat(manifest.schema()).isEqualTo(Manifest.SCHEMA);
    assertThat(manifest.key()).isEqualTo(key);
    assertThat(manifest.keyHash()).isEqualTo(key.hash()).hasSize(20);
    assertThat(manifest.entries()).isEqualTo(contents.entries());
    assertThat(manifest.entries().get("./jsx-runtime").exports()).containsExactly("default", "x2");
    assertThat(manifest.externals()).containsExactly("react");
    assertThat(manifest.builtAtEpochMillis()).isEqualTo(BUILT.toEpochMilli());
    assertThat(manifest.buildMs()).isEqualTo(42);
    assertThat(manifest.warnings()).containsExactly("a warning");
    ManifestFile chunk = manifest.files().stream().filter(f -> f.name().equals("chunk-ABC.js")).findFirst().orElseThrow();
    byte[] chunkBytes = contents.filesByName().get("chunk-ABC.js").contents();
    assertThat(chunk.size()).isEqualTo(chunkBytes.length);
    assertThat(chunk.sha256()).isEqualTo(Sha256.hex(chunkBytes));
    assertThat(found.entryFile("./jsx-runtime")).contains(found.dir().resolve("entry-1.js"));
    assertThat(store.verify(found).ok()).isTrue();
  }

  @Test
  void manifestJsonIsStableAndReadable() throws IOException {
    DiskCacheStore store = store();
    CacheKey key = TestUnits.key("react");
    CachedUnit unit = store.commit(key, TestUnits.contents(key));
    String json = Files.readString(unit.dir().resolve("manifest.json"));
    assertThat(json).contains("\"schema\" : 1", "\"keyHash\" : \"" + key.hash() + "\"", "\"formatVersion\" : " + CacheKey.FORMAT_VERSION);
    // Properties sorted: the same unit always gives the same bytes.
    assertThat(json.indexOf("\"buildMs\"")).isLessThan(json.indexOf("\"builtAtEpochMillis\""));
    assertThat(json.indexOf("\"builtAtEpochMillis\"")).isLessThan(json.indexOf("\"entries\""));
    assertThat(new ManifestCodec().write(unit.manifest())).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void scopedPackagesNestUnderTheirScope() {
    DiskCacheStore store = store();
    CacheKey key = TestUnits.key("@mui/material", "9.6.0", ".", "./Button");
    CachedUnit unit = store.commit(key, TestUnits.contents(key));
    assertThat(cacheDir.relativize(unit.dir()).toString().replace('\\', '/')).isEqualTo("v1/@mui/material@9.6.0/" + key.hash());
    assertThat(store.find(key)).contains(unit);
    assertThat(store.list()).containsExactly(unit);
  }

  @Test
  void differentKeysNeverShareADirectory() {
    DiskCacheStore store = store();
    CacheKey one = TestUnits.key("react", "19.3.1", ".");
    CacheKey two = TestUnits.key("react", "19.3.1", ".", "./jsx-runtime");
    CachedUnit first = store.commit(one, TestUnits.contents(one, "one"));
    CachedUnit second = store.commit(two, TestUnits.contents(two, "two"));
    assertThat(first.dir()).isNotEqualTo(second.dir());
    assertThat(first.dir().getParent()).isEqualTo(second.dir().getParent());
    assertThat(store.list()).containsExactlyInAnyOrder(first, second);
    assertThat(store.find(one)).contains(first);
    assertThat(store.find(two)).contains(second);
  }

  @Test
  void aHalfWrittenTempDirIsInvisibleAndSwept() throws IOException {
    DiskCacheStore store = store();
    CacheKey key = TestUnits.key("react");
    // A crash mid-commit: files written, no manifest yet.
    Path half = Files.createDirectories(cacheDir.resolve("v1/.tmp/x"));
    Files.write(half.resolve("entry-0.js"), new byte[] {1, 2, 3});
    // A crash after the manifest but before the rename: complete, yet still not in place.
    CachedUnit elsewhere = new DiskCacheStore(cacheDir.resolve("other"), 1).commit(key, TestUnits.contents(key));
    copyTree(elsewhere.dir(), cacheDir.resolve("v1/.tmp/y"));
    // A crash while dropping.
    Files.createDirectories(cacheDir.resolve("v1/.trash/z/deep"));
    Files.writeString(cacheDir.resolve("v1/.trash/z/deep/f.js"), "x");

    assertThat(store.find(key)).isEmpty();
    assertThat(store.list()).isEmpty();
    assertThat(store.sweepTemporary()).isEqualTo(3);
    assertThat(cacheDir.resolve("v1/.tmp")).isEmptyDirectory();
    assertThat(cacheDir.resolve("v1/.trash")).isEmptyDirectory();
    assertThat(store.sweepTemporary()).isZero();
    assertThat(store.commit(key, TestUnits.contents(key)).dir()).isDirectory();
  }

  @Test
  void aFinalDirWithoutManifestIsIgnoredAndReplacedByTheNextCommit() throws IOException {
    DiskCacheStore store = store();
    CacheKey key = TestUnits.key("react");
    Path dir = Files.createDirectories(store.dirOf(key));
    Files.writeString(dir.resolve("entry-0.js"), "partial");

    assertThat(store.find(key)).isEmpty();
    assertThat(store.list()).isEmpty();

    CachedUnit unit = store.commit(key, TestUnits.contents(key));
    assertThat(unit.dir()).isEqualTo(dir);
    assertThat(store.verify(unit).ok()).isTrue();
    assertThat(store.find(key)).contains(unit);
    assertThat(cacheDir.resolve("v1/.trash")).isEmptyDirectory();
  }

  @Test
  void unreadableOrForeignManifestsAreIgnored() throws IOException {
    DiskCacheStore store = store();
    CacheKey key = TestUnits.key("react");
    CachedUnit unit = store.commit(key, TestUnits.contents(key));
    Path manifest = unit.dir().resolve("manifest.json");
    String json = Files.readString(manifest);

    Files.writeString(manifest, json.substring(0, json.length() / 2));
    assertThat(store.find(key)).isEmpty();
    Files.writeString(manifest, json.replace("\"schema\" : 1", "\"schema\" : 2"));
    assertThat(store.find(key)).isEmpty();
    assertThat(store.list()).isEmpty();
    Files.writeString(manifest, json);
    assertThat(store.find(key)).contains(unit);

    // The same manifest in a directory its key does not map to (a copy, a renamed folder) is not a unit.
    CacheKey other = TestUnits.key("react", "2.0.0", ".");
    copyTree(unit.dir(), store.dirOf(other));
    assertThat(store.find(other)).isEmpty();
    assertThat(store.list()).containsExactly(unit);
  }

  @Test
  void committingOverAValidUnitKeepsItAndOverACorruptOneReplacesIt() throws IOException {
    CacheKey key = TestUnits.key("react");
    CachedUnit first = store().commit(key, TestUnits.contents(key, "first"));
    DiskCacheStore later = new DiskCacheStore(cacheDir, 4, Clock.fixed(BUILT.plusSeconds(60), ZoneOffset.UTC));

    CachedUnit kept = later.commit(key, TestUnits.contents(key, "second"));
    assertThat(kept).isEqualTo(first);
    assertThat(Files.readString(kept.file("entry-0.js"))).contains("first");

    Files.writeString(first.file("entry-0.js"), "tampered");
    CachedUnit replaced = later.commit(key, TestUnits.contents(key, "second"));
    assertThat(replaced.manifest().builtAtEpochMillis()).isEqualTo(BUILT.plusSeconds(60).toEpochMilli());
    assertThat(Files.readString(replaced.file("entry-0.js"))).contains("second");
    assertThat(later.verify(replaced).ok()).isTrue();
    assertThat(cacheDir.resolve("v1/.tmp")).isEmptyDirectory();
    assertThat(cacheDir.resolve("v1/.trash")).isEmptyDirectory();
  }

  @Test
  void concurrentCommitsOfOneKeyLeaveOneCompleteUnit() throws Exception {
    DiskCacheStore store = new DiskCacheStore(cacheDir, 1);
    CacheKey key = TestUnits.key("react", "19.3.1", ".", "./client");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<CachedUnit>> tasks = new ArrayList<>();
      for (int i = 0; i < 16; i++) tasks.add(() -> store.commit(key, TestUnits.contents(key)));
      List<CachedUnit> results = new ArrayList<>();
      for (Future<CachedUnit> future : pool.invokeAll(tasks)) results.add(future.get());
      assertThat(results).extracting(CachedUnit::dir).containsOnly(store.dirOf(key));
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.list()).hasSize(1);
    assertThat(store.verify(store.find(key).orElseThrow()).ok()).isTrue();
    assertThat(cacheDir.resolve("v1/.tmp")).isEmptyDirectory();
    assertThat(cacheDir.resolve("v1/.trash")).isEmptyDirectory();
  }

  @Test
  void verifyNamesEveryProblem() throws IOException {
    DiskCacheStore store = store();
    CacheKey key = TestUnits.key("react", "19.3.1", ".", "./client");
    CachedUnit unit = store.commit(key, TestUnits.contents(key));
    byte[] bytes = Files.readAllBytes(unit.file("entry-0.js"));
    bytes[0] ^= 1;
    Files.write(unit.file("entry-0.js"), bytes);
    Files.write(unit.file("entry-1.js"), new byte[] {1});
    Files.delete(unit.file("chunk-ABC.js"));

    IntegrityReport report = store.verify(unit);
    assertThat(report.ok()).isFalse();
    assertThat(report.problems())
        .containsExactlyInAnyOrder("entry-0.js: sha256 mismatch", "entry-1.js: size 1, manifest says "
            + unit.manifest().files().stream().filter(f -> f.name().equals("entry-1.js")).findFirst().orElseThrow().size(),
            "chunk-ABC.js: missing");
  }

  @Test
  void aSymlinkInPlaceOfAFileIsNeverFollowed() throws IOException {
    DiskCacheStore store = store();
    CacheKey key = TestUnits.key("react");
    UnitContents contents = TestUnits.contents(key);
    CachedUnit unit = store.commit(key, contents);
    // Same bytes outside the cache: only following the link would make it "verify".
    Path outside = Files.write(cacheDir.resolve("outside.js"), contents.filesByName().get("entry-0.js").contents());
    Files.delete(unit.file("entry-0.js"));
    Files.createSymbolicLink(unit.file("entry-0.js"), outside);
    assertThat(store.verify(unit).problems()).singleElement().asString().startsWith("entry-0.js: ");
  }

  @Test
  void dropAndRemoveIf() {
    DiskCacheStore store = store();
    CacheKey react = TestUnits.key("react");
    CacheKey scoped = TestUnits.key("@emotion/react");
    CacheKey vue = TestUnits.key("vue");
    CachedUnit reactUnit = store.commit(react, TestUnits.contents(react));
    store.commit(scoped, TestUnits.contents(scoped));
    store.commit(vue, TestUnits.contents(vue));

    assertThat(store.removeIf(m -> m.key().name().endsWith("react"))).isEqualTo(2);
    assertThat(store.list()).extracting(u -> u.key().name()).containsExactly("vue");
    assertThat(reactUnit.dir()).doesNotExist();
    store.drop(reactUnit, "already gone"); // no-op

    CachedUnit vueUnit = store.find(vue).orElseThrow();
    store.drop(vueUnit, "test");
    assertThat(store.find(vue)).isEmpty();
    assertThat(store.list()).isEmpty();
    assertThat(cacheDir.resolve("v1/.trash")).isEmptyDirectory();
  }

  @Test
  void dropLeavesANewerUnitOfTheSameKeyAlone() {
    CacheKey key = TestUnits.key("react");
    CachedUnit old = store().commit(key, TestUnits.contents(key, "old"));
    store().drop(old, "replace");
    DiskCacheStore later = new DiskCacheStore(cacheDir, 4, Clock.fixed(BUILT.plusSeconds(1), ZoneOffset.UTC));
    CachedUnit fresh = later.commit(key, TestUnits.contents(key, "new"));
    later.drop(old, "stale handle");
    assertThat(later.find(key)).contains(fresh);
  }

  @Test
  void filesOfAUnitAreOnlyThoseInItsManifest() {
    DiskCacheStore store = store();
    CacheKey key = TestUnits.key("react");
    CachedUnit unit = store.commit(key, TestUnits.contents(key));
    assertThat(unit.file("chunk-ABC.js")).exists();
    assertThat(unit.entryFile("./missing")).isEqualTo(Optional.empty());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> unit.file("other.js"))
        .isInstanceOf(dev.prebundled.error.PrebundledException.class);
    assertThat(Map.of("k", Set.of())).isNotEmpty();
  }

  static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) Files.copy(file, to.resolve(file.getFileName().toString()));
    }
  }
}
