package dev.prebundled.cjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real cjs-module-lexer (src/test/npm/scripts/cjs-lexer-oracle.cjs, one Node process for many
 * files) and compares its answers with {@link CjsLexer}'s.
 */
final class CjsOracle {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CjsOracle() {
    }

    /** Oracle results keyed by the file's path string. */
    static Map<String, JsonNode> run(Path nodeModules, List<Path> files) throws IOException, InterruptedException {
        Path script = TestPackages.projectDir().resolve("src/test/npm/scripts/cjs-lexer-oracle.cjs");
        Path list = Files.createTempFile("cjs-files", ".txt");
        Path out = Files.createTempFile("cjs-oracle", ".json");
        try {
            Files.write(list, files.stream().map(Path::toString).toList(), StandardCharsets.UTF_8);
            Process process = new ProcessBuilder("node", script.toString(), nodeModules.toString(), list.toString())
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("cjs-module-lexer oracle did not finish in 5 minutes");
            }
            assertThat(process.exitValue()).as("exit code of node %s", script).isZero();
            Map<String, JsonNode> results = new LinkedHashMap<>();
            JSON.readTree(out.toFile()).properties().forEach(e -> results.put(e.getKey(), e.getValue()));
            return results;
        } finally {
            Files.deleteIfExists(list);
            Files.deleteIfExists(out);
        }
    }

    /** The Java side: a {@link CjsExports} or the {@link CjsLexException} thrown. */
    static Object lexJava(CjsLexer lexer, String source) {
        try {
            return lexer.lex(source);
        } catch (CjsLexException e) {
            return e;
        }
    }

    /**
     * Null when Java agrees with the oracle (same export list in the same order, same re-export
     * list, or both throw), else a human readable difference.
     */
    static String difference(JsonNode expected, Object actual) {
        if (expected.has("error")) {
            if (actual instanceof CjsLexException) {
                return null;
            }
            return "oracle throws '" + expected.get("error").asText() + "' but Java returned " + actual;
        }
        if (actual instanceof CjsLexException e) {
            return "Java throws '" + e.getMessage() + "' but oracle returned " + expected;
        }
        CjsExports got = (CjsExports) actual;
        List<String> wantExports = strings(expected.get("exports"));
        List<String> wantReexports = strings(expected.get("reexports"));
        List<String> gotExports = new ArrayList<>(got.exports());
        StringBuilder diff = new StringBuilder();
        if (!wantExports.equals(gotExports)) {
            Set<String> missing = new TreeSet<>(wantExports);
            gotExports.forEach(missing::remove);
            Set<String> extra = new TreeSet<>(gotExports);
            wantExports.forEach(extra::remove);
            diff.append("exports missing ").append(missing).append(" extra ").append(extra);
            if (missing.isEmpty() && extra.isEmpty()) {
                diff.append(" (order differs)");
            }
        }
        if (!wantReexports.equals(got.reexports())) {
            diff.append(" reexports oracle ").append(wantReexports).append(" java ").append(got.reexports());
        }
        return diff.isEmpty() ? null : diff.toString();
    }

    /** For files where both throw: null when reason and line:column match too. */
    static String errorDifference(JsonNode expected, CjsLexException actual) {
        String reason = expected.get("error").asText();
        boolean sameReason = reason.equals(actual.reason())
                // the oracle's unterminated template calls an undefined function; we name the problem
                || reason.equals("syntaxError is not defined") && actual.reason().equals("Unterminated template string.");
        boolean samePosition = expected.get("line").asInt() == actual.line() && expected.get("column").asInt() == actual.column();
        return sameReason && samePosition ? null : "oracle " + expected + " java " + actual.getMessage();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
