package dev.prebundled.cjs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** Checks every code point: Java's identifier classes must equal cjs-module-lexer's acorn tables. */
class JsIdentifierCharsTest {

    @Test
    void identifierClassesEqualTheOracleTablesForEveryCodePoint() throws Exception {
        Process process = new ProcessBuilder("node",
                TestPackages.projectDir().resolve("src/test/npm/scripts/identifier-chars-oracle.cjs").toString(),
                TestPackages.nodeModules().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        JsonNode tables = new ObjectMapper().readTree(process.getInputStream());
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).isZero();

        assertThat(differences(tables.get("start"), JsIdentifierChars::isIdentifierStart)).as("identifier start").isEmpty();
        assertThat(differences(tables.get("part"), JsIdentifierChars::isIdentifierChar)).as("identifier part").isEmpty();
    }

    private static List<String> differences(JsonNode ranges, IntPredicate java) {
        BitSet oracle = new BitSet(Character.MAX_CODE_POINT + 1);
        ranges.forEach(r -> oracle.set(r.get(0).asInt(), r.get(1).asInt() + 1));
        assertThat(oracle.cardinality()).as("oracle table size").isGreaterThan(100_000);
        List<String> out = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (oracle.get(cp) != java.test(cp) && out.size() < 50) {
                out.add(String.format("U+%04X (%s) oracle=%s java=%s", cp, Character.getName(cp), oracle.get(cp), java.test(cp)));
            }
        }
        return out;
    }
}
