package dev.prebundled.cjs;

/**
 * Turns the text of a quoted JS string literal (quotes included) into its value, the way
 * {@code cjs-module-lexer} does before reporting a name: the JSON reading is tried first and the JS
 * escape reading second, which only differ for odd text the lexer re-decodes (a specifier that
 * itself starts with a quote); a value with an unpaired UTF-16 surrogate, or a literal with a
 * malformed escape, yields {@code null} ("not a name"), which the caller drops.
 */
final class JsStringLiteral {

    private JsStringLiteral() {
    }

    /**
     * Decodes a slice of the source or a name: text that does not start with a quote is an
     * identifier and is returned unchanged.
     */
    static String decodeName(String text) {
        if (text.isEmpty() || (text.charAt(0) != '"' && text.charAt(0) != '\'')) {
            return text;
        }
        String value = decodeQuoted(text);
        return value == null || hasUnpairedSurrogate(value) ? null : value;
    }

    private static String decodeQuoted(String text) {
        char quote = text.charAt(0);
        // The oracle tries JSON.parse first (a speed trick); for well-formed literals both readings
        // agree, but for re-decoded text they do not, so keep the same order.
        if (quote == '"') {
            String json = parseJsonString(text);
            if (json != null) {
                return json;
            }
        } else if (text.length() > 1 && text.charAt(text.length() - 1) == '\'' && text.indexOf('"') < 0) {
            String json = parseJsonString('"' + text.substring(1, text.length() - 1) + '"');
            if (json != null) {
                return json;
            }
        }
        return parseJsString(text);
    }

    /** JSON.parse of a whole text that must be one JSON string, or null when JSON rejects it. */
    private static String parseJsonString(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 1;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i++);
            if (c == '"') {
                // JSON allows trailing whitespace after the value and nothing else.
                while (i < n) {
                    char t = text.charAt(i++);
                    if (t != ' ' && t != '\t' && t != '\n' && t != '\r') {
                        return null;
                    }
                }
                return out.toString();
            }
            if (c < 0x20) {
                return null;
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i >= n) {
                return null;
            }
            char e = text.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    int value = 0;
                    for (int k = 0; k < 4; k++) {
                        int h = i < n ? hexValue(text.charAt(i++)) : -1;
                        if (h < 0) {
                            return null;
                        }
                        value = value * 16 + h;
                    }
                    out.append((char) value);
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    /** The JS reading: stops at the first unescaped closing quote, null on a malformed escape. */
    private static String parseJsString(String text) {
        char quote = text.charAt(0);
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        int i = 1;
        while (i < n) {
            char c = text.charAt(i);
            if (c == quote) {
                return out.toString();
            }
            if (c == '\r' || c == '\n') {
                return null;
            }
            i++;
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i == n) {
                return null;
            }
            char e = text.charAt(i++);
            switch (e) {
                case '\r':
                    if (i < n && text.charAt(i) == '\n') {
                        i++;
                    }
                    break;
                case '\n', '\u2028', '\u2029':
                    break;
                case 'r':
                    out.append('\r');
                    break;
                case 'n':
                    out.append('\n');
                    break;
                case 't':
                    out.append('\t');
                    break;
                case 'b':
                    out.append('\b');
                    break;
                case 'f':
                    out.append('\f');
                    break;
                case 'v':
                    out.append('\u000B');
                    break;
                case 'x': {
                    int a = i < n ? hexValue(text.charAt(i)) : -1;
                    int b = i + 1 < n ? hexValue(text.charAt(i + 1)) : -1;
                    if (a < 0 || b < 0) {
                        return null;
                    }
                    i += 2;
                    out.append((char) (a * 16 + b));
                    break;
                }
                case 'u': {
                    int value = 0;
                    if (i < n && text.charAt(i) == '{') {
                        i++;
                        do {
                            int h = i < n ? hexValue(text.charAt(i)) : -1;
                            if (h < 0) {
                                return null;
                            }
                            value = value * 16 + h;
                            if (value > 0x10FFFF) {
                                return null;
                            }
                            i++;
                        } while (i >= n || text.charAt(i) != '}');
                        i++;
                    } else {
                        for (int k = 0; k < 4; k++) {
                            int h = i < n ? hexValue(text.charAt(i)) : -1;
                            if (h < 0) {
                                return null;
                            }
                            value = value * 16 + h;
                            i++;
                        }
                    }
                    out.appendCodePoint(value);
                    break;
                }
                case '0', '1', '2', '3', '4', '5', '6', '7': {
                    int toRead = e <= '3' ? 2 : 1;
                    int value = e - '0';
                    do {
                        if (i >= n) {
                            return null; // the oracle reads undefined here and fails on NaN
                        }
                        char d = text.charAt(i);
                        if (d < '0' || d > '7') {
                            break;
                        }
                        value = value * 8 + (d - '0');
                        i++;
                        toRead--;
                    } while (toRead > 0);
                    out.append((char) value);
                    break;
                }
                default:
                    out.append(e);
            }
        }
        return null;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Node cannot export a name that is not well-formed UTF-16, so the oracle drops those. */
    static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(++i))) {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
