package dev.prebundled.cjs;

import java.util.List;
import java.util.Set;

/**
 * What {@link CjsLexer} detected in one CommonJS source text. {@code exports} and {@code reexports}
 * are exactly what {@code cjs-module-lexer}'s {@code parse()} returns (same names, same order, same
 * "only the last {@code module.exports =} assignment keeps its re-exports" rule), so they can be
 * compared one to one with the oracle. {@code everyModuleExportsRequire} is our extension: every
 * specifier that appeared in a {@code module.exports = require('...')} assignment, in source order,
 * even when a later assignment dropped it from {@code reexports}; React's {@code index.js} picks one
 * of two such files by {@code NODE_ENV} and both must be followed.
 *
 * @param exports                   detected export names, in first-seen order
 * @param reexports                 re-exported specifiers with oracle parity, in first-seen order
 * @param everyModuleExportsRequire all {@code module.exports = require(...)} specifiers, in order
 */
public record CjsExports(Set<String> exports, List<String> reexports, List<String> everyModuleExportsRequire) {

    public CjsExports {
        exports = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(exports));
        reexports = List.copyOf(reexports);
        everyModuleExportsRequire = List.copyOf(everyModuleExportsRequire);
    }

    /** The result for a source that exports nothing detectable, e.g. one the lexer rejected. */
    public static CjsExports none() {
        return new CjsExports(Set.of(), List.of(), List.of());
    }
}
