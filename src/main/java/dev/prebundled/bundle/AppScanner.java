package dev.prebundled.bundle;

import dev.prebundled.esbuild.BuildOptions;
import dev.prebundled.esbuild.BuildResult;
import dev.prebundled.esbuild.EsbuildPlugin;
import dev.prebundled.esbuild.EsbuildService;
import dev.prebundled.esbuild.OnLoadResult;
import dev.prebundled.esbuild.OnResolveResult;
import dev.prebundled.esbuild.PluginBuild;
import dev.prebundled.esbuild.ResolveKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the bare imports of every source module of an app (DESIGN section 3, rule 1): its HTML
 * entry points (inline module scripts included) and all source files under its root, minus tests,
 * {@code node_modules}, build output and excluded folders, so that a page reached only through a
 * computed {@code import()} is known up front. One esbuild build with every bare import external
 * reads them all; its metafile says who imports what.
 */
public final class AppScanner {
  private static final Set<String> SOURCE_EXTENSIONS = Set.of(".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts");
  private static final Set<String> SKIPPED_DIRS = Set.of("node_modules", "dist", "build", "coverage", "__tests__", "__mocks__");
  private static final Pattern TEST_FILE = Pattern.compile(".*\\.(test|spec)\\.[cm]?[jt]sx?$");
  private static final Pattern INLINE_MODULE = Pattern.compile(
      "<script\\b(?=[^>]*\\btype\\s*=\\s*[\"']module[\"'])(?![^>]*\\bsrc\\s*=)[^>]*>(.*?)</script>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final String NOT_JS = "\\.(css|less|sass|scss|styl|stylus|pcss|postcss|sss|json|json5|svg|png|jpe?g|jfif|pjpeg|pjp|gif|webp|avif|ico|bmp|apng|woff2?|ttf|otf|eot|mp4|webm|ogg|mp3|wav|flac|aac|wasm|vue|svelte|astro|html|txt|md)(\\?.*)?$|\\?";
  private static final String INLINE_NAMESPACE = "prebundled-inline-script";

  private final EsbuildService esbuild;

  public AppScanner(EsbuildService esbuild) {
    this.esbuild = esbuild;
  }

  /** How the app's JSX is compiled, which decides the runtime it imports. */
  public record Jsx(String runtime, String importSource) {
    public static Jsx automatic(String importSource) {
      return new Jsx("automatic", importSource);
    }
  }

  /** The bare imports found, each with the files that import it, and how many files were read. */
  public record Scan(Map<String, SortedSet<String>> imports, int files, List<String> skipped) {}

  public Scan scan(Path root, Collection<Path> excluded, Jsx jsx, BuildMode mode) {
    Path app = root.toAbsolutePath().normalize();
    List<Path> sources = new ArrayList<>();
    Map<String, String> inlineScripts = new TreeMap<>();
    collect(app, excluded, sources, inlineScripts);
    List<String> skipped = new ArrayList<>();
    Map<String, SortedSet<String>> imports = new TreeMap<>();
    List<String> entries = new ArrayList<>(sources.stream().map(Path::toString).toList());
    inlineScripts.keySet().forEach(id -> entries.add(INLINE_NAMESPACE + ":" + id));
    if (!entries.isEmpty() && !scanInto(app, entries, inlineScripts, jsx, mode, imports)) {
      // One file with a syntax error must not hide the imports of all others.
      for (String entry : entries) {
        if (!scanInto(app, List.of(entry), inlineScripts, jsx, mode, imports)) skipped.add(entry);
      }
    }
    return new Scan(imports, entries.size(), skipped);
  }

  private boolean scanInto(Path app, List<String> entries, Map<String, String> inlineScripts, Jsx jsx, BuildMode mode,
      Map<String, SortedSet<String>> imports) {
    EsbuildPlugin plugin = new EsbuildPlugin() {
      @Override public String name() { return "prebundled-scan"; }
      @Override public void setup(PluginBuild build) {
        build.onResolve("^" + INLINE_NAMESPACE + ":", args -> Optional.of(OnResolveResult.virtual(args.path().substring(INLINE_NAMESPACE.length() + 1), INLINE_NAMESPACE)));
        build.onResolve(NOT_JS, args -> args.kind() == ResolveKind.ENTRY_POINT ? Optional.empty() : Optional.of(OnResolveResult.external(args.path())));
        build.onResolve("^/", args -> args.kind() == ResolveKind.ENTRY_POINT || Files.exists(Path.of(args.path()))
            ? Optional.empty()
            : Optional.of(OnResolveResult.external(args.path()))); // root-relative URL in Vite terms
        build.onResolve("^[^./]", args -> args.kind() == ResolveKind.ENTRY_POINT ? Optional.empty() : Optional.of(OnResolveResult.external(args.path())));
        build.onLoad(".*", INLINE_NAMESPACE, args -> Optional.of(OnLoadResult.js(inlineScripts.get(args.path()), app.toString()).withLoader("tsx")));
      }
    };
    List<String> flags = new ArrayList<>(List.of("--bundle", "--format=esm", "--platform=browser", "--metafile", "--log-level=silent",
        "--outdir=/prebundled-scan", "--loader:.js=jsx", "--define:process.env.NODE_ENV=\"" + mode.nodeEnv() + "\""));
    if ("automatic".equals(jsx.runtime())) {
      flags.add("--jsx=automatic");
      flags.add("--jsx-import-source=" + jsx.importSource());
      if (mode == BuildMode.DEVELOPMENT) flags.add("--jsx-dev");
    }
    BuildOptions.Builder options = BuildOptions.builder().workingDir(Path.of("/")).write(false).plugin(plugin).flags(flags);
    entries.forEach(options::entryPoint);
    BuildResult result = esbuild.buildAndWait(options.build());
    if (!result.succeeded() || result.metafile().isEmpty()) return false;
    Metafile meta = Metafile.parse(result.metafile().get());
    meta.inputs().forEach((input, file) -> {
      String importer = input.startsWith(INLINE_NAMESPACE + ":") ? app.resolve(input.substring(INLINE_NAMESPACE.length() + 1)).toString() : "/" + input;
      for (Metafile.Import imported : file.imports()) {
        String specifier = imported.path();
        if (imported.external() && !specifier.startsWith(".") && !specifier.startsWith("/") && !specifier.contains("?")
            && !specifier.matches(".*" + NOT_JS)) {
          imports.computeIfAbsent(specifier, s -> new TreeSet<>()).add(importer);
        }
      }
    });
    return true;
  }

  private static void collect(Path app, Collection<Path> excluded, List<Path> sources, Map<String, String> inlineScripts) {
    try {
      Files.walkFileTree(app, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
          boolean skip = !dir.equals(app) && (name.startsWith(".") || SKIPPED_DIRS.contains(name)
              || excluded.stream().anyMatch(e -> dir.startsWith(e.toAbsolutePath().normalize())));
          return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          String name = file.getFileName().toString();
          int dot = name.lastIndexOf('.');
          String extension = dot < 0 ? "" : name.substring(dot);
          if (SOURCE_EXTENSIONS.contains(extension) && !TEST_FILE.matcher(name).matches() && !name.endsWith(".d.ts")
              && !name.startsWith("vite.config.") && !name.startsWith("vitest.config.")) {
            sources.add(file);
          } else if (extension.equals(".html")) {
            Matcher inline = INLINE_MODULE.matcher(Files.readString(file));
            for (int i = 0; inline.find(); i++) {
              inlineScripts.put(app.relativize(file) + "#script" + i, inline.group(1));
            }
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the app at " + app, e);
    }
  }
}
