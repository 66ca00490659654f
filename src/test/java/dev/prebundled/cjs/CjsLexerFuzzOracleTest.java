package dev.prebundled.cjs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Differential fuzzing against the real cjs-module-lexer: thousands of seeded, grammar-aware
 * random sources (export patterns, half-broken export patterns, regex/division/template/comment
 * soup) are lexed by both; results must be identical, including where and why the lexer throws.
 * Real packages rarely hit the lexer's odd corners, this does.
 */
class CjsLexerFuzzOracleTest {

    private static final int PROGRAMS = 4_000;
    private static final long SEED = 20_240_601L;

    /** Whole patterns, so detection actually fires; the generator also mutates them. */
    private static final List<String> SNIPPETS = List.of(
            "exports.a = 1;",
            "module.exports.b = 2;",
            "exports['c-d'] = 3;",
            "module.exports = { a, b: c, 'd': e, ...require('./f'), ...g };",
            "module.exports = require('./dep');",
            "if (x) module.exports = require('./prod.js'); else module.exports = require('./dev.js');",
            "Object.defineProperty(exports, '__esModule', { value: true });",
            "Object.defineProperty(exports, 'g', { enumerable: true, get: function () { return q.p; } });",
            "Object.defineProperty(module.exports, 'h', { enumerable: true, get() { return h; } });",
            "Object.defineProperty(exports, 'i', { enumerable: true, get: function get() { return m['i']; }, });",
            "Object.defineProperty(exports, 'j', { get () { return dynamic(); } });",
            "var _x = require('x');",
            "const _y = _interopRequireWildcard(require('y'));",
            "Object.keys(_x).forEach(function (key) { if (key === 'default' || key === '__esModule') return; exports[key] = _x[key]; });",
            "Object.keys(_x).forEach(function (k) { if (k === \"default\" || k === \"__esModule\") return;"
                    + " if (Object.prototype.hasOwnProperty.call(_exportNames, k)) return;"
                    + " if (k in exports && exports[k] === _x[k]) return;"
                    + " Object.defineProperty(exports, k, { enumerable: true, get: function () { return _x[k]; } }); });",
            "Object.keys(_y).forEach(function (key) { if (key !== 'default' && !exports.hasOwnProperty(key)) exports[key] = _y[key]; });",
            "__exportStar(require('./star'), exports);",
            "tslib.__exportStar(require('./tsl'), exports);",
            "__export(require('./old'));",
            "function f() { return /re[/]gex/g.test(a) / 2; }",
            "x = a / b / c; y = `t${ `n${1}` }` / 2;",
            "class A { m() {} } /re/.test(s);",
            "while (i) /x/.exec(s); for (;;) {} /y/;",
            "import('dyn'); const u = import.meta;",
            "export default 1;",
            "import x from 'y';",
            "a++ / 2; b-- / 3; 1. / 4;",
            "return typeof /a/; void /b/; yield /c/; await /d/;",
            "'unterminated",
            "`unterminated ${",
            "/* unterminated comment",
            "#!/usr/bin/env node\nexports.shebang = 1;");

    private static final List<String> FRAGMENTS = List.of(
            "exports", "module", ".", "exports.a", "module.exports", "=", "===", "!==", "require", "(", ")",
            "{", "}", "[", "]", "'x'", "\"y\"", "'./dep'", "'a\\u0062'", "'\\ud800'", "'\\x4'", ",", ";", ":",
            "...", "Object", ".defineProperty", ".keys", ".forEach", "function", "return", "get", "value",
            "enumerable", "true", "key", "_x", "var", "const", "let", "if", "else", "while", "for", "class",
            "in", "typeof", "void", "/", "/re/g", "/[/]/", "`", "`t${", "${", "//c\n", "/*c*/", "\n", " ",
            "x", "1", "1.", "++", "--", "+", "-", "import", "export", "__esModule", "__exportStar", "__export",
            "_interopRequireWildcard", "tslib.", "hasOwnProperty", ".call", "prototype", "'default'",
            "'__esModule'", "||", "&&", "!", "=>", "\\", "\u00a0", "\u00e4", "\ud835\udcb3", "\t", "\r\n",
            "catch", "finally", "case", "delete", "instanceof", "new", "throw", "do", "yield", "await", "debugger");

    @Test
    void randomSourcesLexExactlyLikeTheOracle() throws IOException, InterruptedException {
        Random random = new Random(SEED);
        Path dir = Files.createTempDirectory("cjs-fuzz");
        try {
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < PROGRAMS; i++) {
                Path file = dir.resolve(i + ".js");
                Files.writeString(file, program(random), StandardCharsets.UTF_8);
                files.add(file);
            }
            Map<String, JsonNode> oracle = CjsOracle.run(TestPackages.nodeModules(), files);
            CjsLexer lexer = new CjsLexer();
            List<String> differences = new ArrayList<>();
            int threw = 0;
            int detected = 0;
            for (Path file : files) {
                String source = Files.readString(file, StandardCharsets.UTF_8);
                JsonNode expected = oracle.get(file.toString());
                Object actual = CjsOracle.lexJava(lexer, source);
                String difference = CjsOracle.difference(expected, actual);
                if (difference == null && actual instanceof CjsLexException e) {
                    threw++;
                    difference = CjsOracle.errorDifference(expected, e);
                }
                if (actual instanceof CjsExports found && !(found.exports().isEmpty() && found.reexports().isEmpty())) {
                    detected++;
                }
                if (difference != null) {
                    differences.add(difference + "\n    source: " + source.replace("\n", "\\n"));
                }
            }
            System.out.printf("cjs-lexer fuzz: %d programs, %d throw, %d with exports, %d differ%n",
                    PROGRAMS, threw, detected, differences.size());
            differences.stream().limit(30).forEach(d -> System.out.println("  FUZZ DIFF " + d));
            // guard against a generator that only produces errors or nothing detectable
            assertThat(threw).isBetween(PROGRAMS / 20, PROGRAMS * 19 / 20);
            assertThat(detected).isGreaterThan(PROGRAMS / 10);
            assertThat(differences).isEmpty();
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Half the programs are mostly well-formed snippet sequences, half are token soup with snippets. */
    private static String program(Random random) {
        StringBuilder out = new StringBuilder();
        boolean mostlyValid = random.nextBoolean();
        int parts = 1 + random.nextInt(12);
        for (int i = 0; i < parts; i++) {
            if (mostlyValid) {
                String snippet = SNIPPETS.get(random.nextInt(SNIPPETS.size()));
                out.append(random.nextInt(4) == 0 ? mutate(snippet, random) : snippet);
            } else if (random.nextInt(3) == 0) {
                out.append(mutate(SNIPPETS.get(random.nextInt(SNIPPETS.size())), random));
            } else {
                int tokens = 1 + random.nextInt(8);
                for (int t = 0; t < tokens; t++) {
                    out.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
                    if (random.nextBoolean()) {
                        out.append(' ');
                    }
                }
            }
            out.append(random.nextInt(4) == 0 ? "" : "\n");
        }
        return out.toString();
    }

    /** Leaves half the snippets intact; breaks the others by deleting, duplicating or inserting text. */
    private static String mutate(String snippet, Random random) {
        if (random.nextBoolean()) {
            return snippet;
        }
        int at = random.nextInt(snippet.length() + 1);
        return switch (random.nextInt(3)) {
            case 0 -> snippet.substring(0, at) + snippet.substring(Math.min(snippet.length(), at + 1 + random.nextInt(4)));
            case 1 -> snippet.substring(0, at) + FRAGMENTS.get(random.nextInt(FRAGMENTS.size())) + snippet.substring(at);
            default -> snippet.substring(0, at) + snippet.substring(at / 2);
        };
    }
}
