package dev.prebundled.cjs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Differential test: every {@code .js}/{@code .cjs} file (up to 2 MB) of the real npm packages in
 * {@code src/test/npm/node_modules} is lexed by the real {@code cjs-module-lexer} 2.3.0 (one Node
 * child process) and by {@link CjsLexer}; export lists, re-export lists and "throws or not" must
 * agree on at least 99% of files. Every disagreement is printed with its difference.
 */
class CjsLexerOracleTest {

    /** The CommonJS packages the brief names; each must contribute files so the test cannot pass vacuously. */
    private static final List<String> REQUIRED_PACKAGES = List.of(
            "react", "react-dom", "scheduler", "prop-types", "object-assign", "react-is",
            "use-sync-external-store", "hoist-non-react-statics", "classnames", "debug", "ms",
            "lodash", "qs", "buffer", "moment", "events", "dayjs");
    private static final long MAX_FILE_BYTES = 2_000_000;
    private static final int MIN_FILES = 2_000;
    private static final double MIN_AGREEMENT = 0.99;

    @Test
    void agreesWithCjsModuleLexerOnRealPackages() throws Exception {
        Path nodeModules = TestPackages.nodeModules();
        List<Path> files = collectFiles(nodeModules);
        Map<String, JsonNode> oracle = CjsOracle.run(nodeModules, files);

        Map<Path, String> sources = new LinkedHashMap<>();
        long bytes = 0;
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            bytes += content.length;
            // Node's readFileSync(file, 'utf8') also replaces malformed bytes with U+FFFD.
            sources.put(file, new String(content, StandardCharsets.UTF_8));
        }

        CjsLexer lexer = new CjsLexer();
        lexAll(lexer, sources); // warm-up
        long start = System.nanoTime();
        Map<Path, Object> javaResults = lexAll(lexer, sources);
        long warmMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        int agree = 0;
        int bothThrew = 0;
        int errorDetailMismatches = 0;
        int filesWithNames = 0;
        int namesCompared = 0;
        Map<String, int[]> perPackage = new TreeMap<>();
        List<String> differences = new ArrayList<>();
        for (Path file : files) {
            JsonNode expected = oracle.get(file.toString());
            assertThat(expected).as("oracle result for %s", file).isNotNull();
            Object actual = javaResults.get(file);
            String pkg = packageOf(nodeModules, file);
            int[] counts = perPackage.computeIfAbsent(pkg, k -> new int[2]);
            counts[0]++;
            String difference = CjsOracle.difference(expected, actual);
            if (difference == null) {
                agree++;
                counts[1]++;
                if (actual instanceof CjsExports found) {
                    namesCompared += found.exports().size() + found.reexports().size();
                    filesWithNames += found.exports().isEmpty() && found.reexports().isEmpty() ? 0 : 1;
                }
                if (expected.has("error")) {
                    bothThrew++;
                    String errorDifference = CjsOracle.errorDifference(expected, (CjsLexException) actual);
                    if (errorDifference != null) {
                        errorDetailMismatches++;
                        differences.add("(error message or position only) " + file + ": " + errorDifference);
                    }
                }
            } else {
                differences.add(file + ": " + difference);
            }
        }

        double agreement = (double) agree / files.size();
        System.out.printf("cjs-lexer differential: %d files (%.1f MB) in %d packages; identical on %d (%.3f%%),"
                        + " of which %d throw in both (%d with a different message or line:column)"
                        + " and %d have %d exports/reexports; Java warm lex of all files: %d ms%n",
                files.size(), bytes / 1e6, perPackage.size(), agree, 100.0 * agreement, bothThrew,
                errorDetailMismatches, filesWithNames, namesCompared, warmMillis);
        differences.forEach(d -> System.out.println("  DIFF " + d));
        perPackage.forEach((pkg, c) -> {
            if (c[0] != c[1]) {
                System.out.printf("  package %s: %d/%d identical%n", pkg, c[1], c[0]);
            }
        });

        assertThat(files).hasSizeGreaterThanOrEqualTo(MIN_FILES);
        for (String required : REQUIRED_PACKAGES) {
            assertThat(perPackage).as("files compared for package %s", required).containsKey(required);
        }
        assertThat(perPackage.keySet().stream().filter(p -> perPackage.get(p)[0] > 0).count())
                .isGreaterThanOrEqualTo(15);
        assertThat(filesWithNames).as("files where some export was detected").isGreaterThanOrEqualTo(MIN_FILES / 2);
        assertThat(agreement).as("share of files where Java and cjs-module-lexer agree").isGreaterThanOrEqualTo(MIN_AGREEMENT);
    }

    private static Map<Path, Object> lexAll(CjsLexer lexer, Map<Path, String> sources) {
        Map<Path, Object> results = new LinkedHashMap<>();
        sources.forEach((file, source) -> results.put(file, CjsOracle.lexJava(lexer, source)));
        return results;
    }

    private static List<Path> collectFiles(Path nodeModules) throws IOException {
        try (Stream<Path> walk = Files.walk(nodeModules)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        return name.endsWith(".js") || name.endsWith(".cjs");
                    })
                    .filter(p -> !nodeModules.relativize(p).startsWith(".bin"))
                    .filter(p -> sizeOf(p) <= MAX_FILE_BYTES)
                    .sorted()
                    .toList();
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The top-level package a file belongs to: {@code name} or {@code @scope/name}. */
    static String packageOf(Path nodeModules, Path file) {
        Path rel = nodeModules.relativize(file);
        String first = rel.getName(0).toString();
        return first.startsWith("@") && rel.getNameCount() > 1 ? first + "/" + rel.getName(1) : first;
    }
}
