package dev.prebundled.cjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The grammar forms one by one, with small inline sources. Every expectation here was checked
 * against cjs-module-lexer 2.3.0 itself, including the surprising ones (they are parity, not taste).
 */
class CjsLexerTest {

    private final CjsLexer lexer = new CjsLexer();

    private CjsExports lex(String source) {
        return lexer.lex(source);
    }

    @Test
    void memberAssignmentsToExportsAndModuleExports() {
        CjsExports found = lex("exports.a = 1; exports['b'] = 2; module.exports.c = 3; module.exports['d-e'] = 4;"
                + " exports.f == 5; exports.g");
        // `==` still counts: the oracle only looks at the first `=`; a bare read does not.
        assertThat(found.exports()).containsExactly("a", "b", "c", "d-e", "f");
        assertThat(found.reexports()).isEmpty();
    }

    @Test
    void stringNamesAreDecodedAndIllFormedUtf16IsDropped() {
        assertThat(lex("exports['\\u0061b'] = 1; exports['\\ud800'] = 2; exports[\"c\\x41\"] = 3;").exports())
                .containsExactly("ab", "cA");
    }

    @Test
    void safeDefinePropertyForms() {
        CjsExports found = lex("""
                Object.defineProperty(exports, 'a', { enumerable: true, get: function () { return q.p; } });
                Object.defineProperty(exports, 'b', { enumerable: true, get() { return b; } });
                Object.defineProperty(exports, 'c', { enumerable: true, get: function get() { return m['c']; } });
                Object.defineProperty(exports, 'd', { value: 'd' });
                Object.defineProperty(exports, '__esModule', { value: true });
                """);
        assertThat(found.exports()).containsExactly("a", "b", "c", "d", "__esModule");
    }

    @Test
    void anUnsafeGetterVetoesTheNameEvenWhenAssignedElsewhere() {
        CjsExports found = lex("""
                exports.a = 1;
                Object.defineProperty(exports, 'a', { get () { return 'nope'; } });
                Object.defineProperty(exports, 'b', { enumerable: false, get () { return p; } });
                Object.defineProperty(exports, 'c', { get: () => p });
                """);
        assertThat(found.exports()).isEmpty();
    }

    @Test
    void aLaterUnsafeGetterVetoesAnEarlierSafeOne() {
        assertThat(lex("Object.defineProperty(exports, 'a', { enumerable: true, get: function () { return p; } });"
                + " Object.defineProperty(exports, 'a', { get: function () { return dynamic(); } });").exports()).isEmpty();
    }

    @Test
    void objectLiteralAssignment() {
        CjsExports found = lex("module.exports = { a, b: c, 'd': e, ...require('x'), ...f };");
        assertThat(found.exports()).containsExactly("a", "b", "d");
        assertThat(found.reexports()).containsExactly("x");
        assertThat(found.everyModuleExportsRequire()).isEmpty();
    }

    @Test
    void objectLiteralDetectionStopsAtTheFirstComplexValue() {
        // `b: require` reads as an identifier value, so b counts; then `(` ends the detection.
        assertThat(lex("module.exports = { a, b: require('c'), c: d };").exports()).containsExactly("a", "b");
        // no whitespace skipping after a value identifier: `b ,` ends it too
        assertThat(lex("module.exports = { a: b , c };").exports()).containsExactly("a");
        assertThat(lex("module.exports = { get a() {}, b };").exports()).containsExactly("get");
        assertThat(lex("module.exports = { a, b, };").exports()).containsExactly("a", "b");
    }

    @Test
    void onlyTheLastModuleExportsAssignmentKeepsItsReexportsButAllAreRecorded() {
        CjsExports found = lex("""
                if (process.env.NODE_ENV === 'production') {
                  module.exports = require('./cjs/prod.js');
                } else {
                  module.exports = require('./cjs/dev.js');
                }
                """);
        assertThat(found.reexports()).containsExactly("./cjs/dev.js");
        assertThat(found.everyModuleExportsRequire()).containsExactly("./cjs/prod.js", "./cjs/dev.js");
    }

    @Test
    void anObjectAssignmentAlsoResetsEarlierReexports() {
        CjsExports found = lex("__exportStar(require('./star'), exports); module.exports = require('./a'); module.exports = { x };");
        assertThat(found.exports()).containsExactly("x");
        assertThat(found.reexports()).isEmpty();
        assertThat(found.everyModuleExportsRequire()).containsExactly("./a");
    }

    @Test
    void moduleExportsRequireThenMemberAssignment() {
        CjsExports found = lex("module.exports = require('./x'); module.exports.y = 1;");
        assertThat(found.exports()).containsExactly("y");
        assertThat(found.reexports()).containsExactly("./x");
    }

    @Test
    void typescriptStarExportsAtTopLevelOnly() {
        assertThat(lex("__exportStar(require('./a'), exports); tslib.__exportStar(require('./b'), exports);"
                + " __export(require('./c'));").reexports()).containsExactly("./a", "./b", "./c");
        assertThat(lex("function f() { __exportStar(require('./nested'), exports); }").reexports()).isEmpty();
    }

    @Test
    void babelStarReexportWithAssignment() {
        CjsExports found = lex("""
                "use strict";
                var _x = require("x");
                Object.keys(_x).forEach(function (key) {
                  if (key === "default" || key === "__esModule") return;
                  exports[key] = _x[key];
                });
                """);
        assertThat(found.reexports()).containsExactly("x");
    }

    @Test
    void babelStarReexportWithGuardsAndDefineProperty() {
        CjsExports found = lex("""
                const _a = _interopRequireWildcard(require("a"));
                var _b = require("b");
                Object.keys(_a).forEach(function (key) {
                  if (key === "default" || key === "__esModule") return;
                  if (key in exports && exports[key] === _a[key]) return;
                  Object.defineProperty(exports, key, { enumerable: true, get: function () { return _a[key]; } });
                });
                Object.keys(_b).forEach(function (k) {
                  if (k === 'default' || k === '__esModule') return;
                  if (Object.prototype.hasOwnProperty.call(_exportNames, k)) return;
                  exports[k] = _b[k];
                });
                """);
        assertThat(found.reexports()).containsExactly("a", "b");
    }

    @Test
    void babelLooseStarReexports() {
        assertThat(lex("let _b = require('b'); Object.keys(_b).forEach(function (key) {"
                + " if (key !== \"default\" && !_b.hasOwnProperty(key)) exports[key] = _b[key]; });").reexports())
                .containsExactly("b");
        assertThat(lex("var _z = require('z'); Object.keys(_z).forEach(function (k) {"
                + " if (k !== 'default' && !Object.prototype.hasOwnProperty.call(exports, k)) exports[k] = _z[k]; });").reexports())
                .containsExactly("z");
    }

    @Test
    void babelStarReexportNeedsTheMatchingRequireBinding() {
        assertThat(lex("var _w = require('w'); Object.keys(_other).forEach(function (key) {"
                + " if (key === 'default' || key === '__esModule') return; exports[key] = _other[key]; });").reexports()).isEmpty();
    }

    @Test
    void commentsStringsAndTemplatesHideExports() {
        assertThat(lex("// exports.no = 1\n/* exports.no2 = 1 */ exports.yes = 1;").exports()).containsExactly("yes");
        assertThat(lex("var s = \"exports.no = 1\"; exports.yes = 1;").exports()).containsExactly("yes");
        assertThat(lex("var s = `exports.no = ${ `exports.nope = ${1}` } and ${ {a: 1}.a }`; exports.yes = 1;").exports())
                .containsExactly("yes");
        assertThat(lex("var s = `${ `${ '}' }` }`; exports.k = 1;").exports()).containsExactly("k");
        assertThat(lex("var s = `a${ { b: `}` } }c`; exports.l = 1;").exports()).containsExactly("l");
    }

    @Test
    void regexVersusDivision() {
        // A quote inside what the lexer takes for a regex is harmless; after a division it opens a
        // string that swallows the export. Each line pins one heuristic of the oracle.
        assertThat(lex("var a = /exports.no = 1/; exports.yes = 1;").exports()).containsExactly("yes");
        assertThat(lex("var a = b / 2; exports.yes = 1; var c = d / 3;").exports()).containsExactly("yes");
        assertThat(lex("if (a) /'/.test(b); exports.a = 1;").exports()).containsExactly("a");
        assertThat(lex("while (x) /'/; exports.m = 1;").exports()).containsExactly("m");
        assertThat(lex("x = (a) /'/; exports.b = 1; //'").exports()).isEmpty();
        assertThat(lex("function f() {} /'/; exports.c = 1;").exports()).containsExactly("c");
        assertThat(lex("x = {} /'/; exports.d = 1; //'").exports()).isEmpty();
        assertThat(lex("class A {} /'/; exports.e = 1;").exports()).containsExactly("e");
        assertThat(lex("function g() { return /'/.test(x); } exports.f = 1;").exports()).containsExactly("f");
        assertThat(lex("a++ /'/; exports.g = 1; //'").exports()).isEmpty();
        assertThat(lex("x = 1. /'/; exports.h = 1; //'").exports()).isEmpty();
        assertThat(lex("x = typeof /'/; exports.i = 1;").exports()).containsExactly("i");
        assertThat(lex("x = a.return /'/; exports.j = 1; //'").exports()).isEmpty();
        assertThat(lex("x = y /*c*/ /'/; exports.n = 1; //'").exports()).isEmpty();
    }

    @Test
    void shebangLineIsSkipped() {
        assertThat(lex("#!/usr/bin/env node\nexports.sh = 1;").exports()).containsExactly("sh");
        assertThat(lex("#!").exports()).isEmpty();
    }

    @Test
    void dynamicImportIsFineButEsmSyntaxThrows() {
        assertThat(lex("import('x'); exports.a = 1;").exports()).containsExactly("a");
        assertThatThrownBy(() -> lex("import x from 'y';"))
                .isInstanceOfSatisfying(CjsLexException.class, e -> {
                    assertThat(e.isEsmSyntax()).isTrue();
                    assertThat(e.reason()).isEqualTo("Unexpected import statement in CJS module.");
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.column()).isEqualTo(8);
                });
        assertThatThrownBy(() -> lex("export const a = 1;")).isInstanceOf(CjsLexException.class)
                .hasMessage("Unexpected export statement in CJS module. at 1:8");
        assertThatThrownBy(() -> lex("x = import.meta.url;")).isInstanceOf(CjsLexException.class)
                .hasMessage("Unexpected import.meta in CJS module. at 1:11");
    }

    @Test
    void malformedSourcesThrowWhereTheOracleThrows() {
        assertThatThrownBy(() -> lex("var s = 'unterminated")).isInstanceOf(CjsLexException.class)
                .hasMessage("Unterminated string. at 1:22");
        assertThatThrownBy(() -> lex("var t = `unterminated")).isInstanceOf(CjsLexException.class)
                .hasMessage("Unterminated template string. at 1:22");
        assertThatThrownBy(() -> lex(")")).isInstanceOf(CjsLexException.class)
                .hasMessage("Unexpected closing bracket. at 1:1");
        assertThatThrownBy(() -> lex("{")).isInstanceOf(CjsLexException.class).hasMessageStartingWith("Unterminated braces.");
        assertThatThrownBy(() -> lex("x = /abc\n/")).isInstanceOf(CjsLexException.class)
                .hasMessageStartingWith("Syntax error reading regular expression.");
        assertThatThrownBy(() -> lex("(".repeat(3000))).isInstanceOf(CjsLexException.class)
                .hasMessageStartingWith("Maximum nesting depth exceeded.");
        // an unterminated block comment is not an error for the oracle
        assertThat(lex("exports.a = 1; /* unterminated").exports()).containsExactly("a");
        assertThat(lexer.lexOrNone("import x from 'y'; exports.a = 1;")).isEqualTo(CjsExports.none());
    }

    @Test
    void lodashLexesFastWhenWarm() throws Exception {
        String lodash = Files.readString(TestPackages.nodeModules().resolve("lodash/lodash.js"));
        assertThat(lodash.length()).isGreaterThan(500_000);
        for (int i = 0; i < 20; i++) {
            lex(lodash); // warm up the JIT
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            lex(lodash);
            best = Math.min(best, System.nanoTime() - start);
        }
        System.out.printf("lodash.js (%d chars): best warm lex %.2f ms%n", lodash.length(), best / 1e6);
        assertThat(best / 1_000_000).as("warm lex of lodash.js in ms").isLessThan(50);
    }

    @Property(tries = 3000)
    void arbitraryAsciiNeverHangsAndOnlyThrowsLexErrors(@ForAll("asciiSources") String source) {
        try {
            CjsExports found = lex(source);
            assertThat(found.exports()).doesNotContainNull();
        } catch (CjsLexException e) {
            assertThat(e.line()).isPositive();
        }
    }

    @Provide
    Arbitrary<String> asciiSources() {
        Arbitrary<String> noise = Arbitraries.strings().ascii().ofMaxLength(200);
        Arbitrary<String> jsLike = Arbitraries.strings()
                .withChars("exportsmodule.=()[]{}'\"`$/\\*+-;:,!?<>|&\n\r\t 0123456789_require")
                .ofMaxLength(300);
        return Arbitraries.oneOf(noise, jsLike);
    }
}
