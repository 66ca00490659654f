package dev.prebundled.cjs;

/**
 * Detects the named exports and re-exports of a CommonJS module from its source text, with the
 * grammar of Node's {@code cjs-module-lexer} 2.3.0 (the detector behind Node's own
 * {@code import} of CommonJS): {@code exports.x =}, {@code module.exports['x'] =}, the safe
 * {@code Object.defineProperty(exports, 'x', ...)} forms, {@code module.exports = {...}} literals,
 * {@code module.exports = require('x')}, {@code ...require('x')} spreads and the Babel/TypeScript
 * star re-export patterns. It is a single pass over a char array with no regular expressions;
 * instances are stateless and may be shared between threads.
 */
public final class CjsLexer {

    /**
     * Lexes one module.
     *
     * @throws CjsLexException where {@code cjs-module-lexer} throws (unterminated tokens, unbalanced
     *     brackets, ESM syntax); Node then treats the module as having no named exports
     */
    public CjsExports lex(String source) {
        return new CjsScanner(source).scan();
    }

    /** Like {@link #lex} but answers "no exports" for a source the oracle would reject, as Node does. */
    public CjsExports lexOrNone(String source) {
        try {
            return lex(source);
        } catch (CjsLexException e) {
            return CjsExports.none();
        }
    }
}
