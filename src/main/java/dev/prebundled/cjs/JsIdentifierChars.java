package dev.prebundled.cjs;

/**
 * ECMAScript identifier character classes as {@code cjs-module-lexer} applies them (its tables come
 * from acorn, Unicode 13: ID_Start/ID_Continue plus {@code $}, {@code _}, ZWNJ and ZWJ). Java 17's
 * own Unicode 13 identifier predicates give the same sets once Java's "ignorable" control and
 * format characters are removed; {@code JsIdentifierCharsTest} checks every code point against the
 * oracle's tables.
 */
final class JsIdentifierChars {

    private static final int VERTICAL_TILDE = 0x2E2F; // Lm, but Pattern_Syntax: not in ID_Start
    private static final int ZWNJ = 0x200C;
    private static final int ZWJ = 0x200D;

    private JsIdentifierChars() {
    }

    static boolean isIdentifierStart(int cp) {
        if (cp < 'A') {
            return cp == '$';
        }
        if (cp <= 'Z') {
            return true;
        }
        if (cp < 'a') {
            return cp == '_';
        }
        if (cp <= 'z') {
            return true;
        }
        if (cp < 0xAA || cp > Character.MAX_CODE_POINT) {
            return false;
        }
        return cp != VERTICAL_TILDE && Character.isUnicodeIdentifierStart(cp);
    }

    static boolean isIdentifierChar(int cp) {
        if (cp < '0') {
            return cp == '$';
        }
        if (cp <= '9') {
            return true;
        }
        if (cp < 'A') {
            return false;
        }
        if (cp <= 'Z') {
            return true;
        }
        if (cp < 'a') {
            return cp == '_';
        }
        if (cp <= 'z') {
            return true;
        }
        if (cp < 0xAA || cp > Character.MAX_CODE_POINT) {
            return false;
        }
        if (cp == ZWNJ || cp == ZWJ) {
            return true;
        }
        return cp != VERTICAL_TILDE && Character.isUnicodeIdentifierPart(cp) && !Character.isIdentifierIgnorable(cp);
    }
}
