package dev.prebundled.cjs;

/**
 * Thrown where {@code cjs-module-lexer} throws: unterminated strings, templates, regular
 * expressions or brackets, unbalanced closing brackets, too deep nesting, and ESM syntax
 * ({@code import}/{@code export} statements, {@code import.meta}) in what should be CommonJS. Node
 * treats such a file as having no named exports; callers should do the same. It carries the
 * 1-based line and column the oracle reports, so messages can be compared with it.
 */
public final class CjsLexException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;
    private final int offset;
    private final int line;
    private final int column;
    private final boolean esmSyntax;

    CjsLexException(String reason, int offset, int line, int column, boolean esmSyntax) {
        super(reason + " at " + line + ":" + column);
        this.reason = reason;
        this.offset = offset;
        this.line = line;
        this.column = column;
        this.esmSyntax = esmSyntax;
    }

    /** The oracle's message without the position, e.g. {@code "Unterminated string."}. */
    public String reason() {
        return reason;
    }

    /** The char offset the scanner stood at (may be past the end of the source). */
    public int offset() {
        return offset;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** True for the oracle's {@code ERR_LEXER_ESM_SYNTAX}: the file looks like an ES module. */
    public boolean isEsmSyntax() {
        return esmSyntax;
    }
}
