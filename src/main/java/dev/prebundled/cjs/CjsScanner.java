package dev.prebundled.cjs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One pass of the {@code cjs-module-lexer} 2.3.0 state machine over one source text; an instance is
 * used once and thrown away, so all lexer state lives in fields instead of statics. The scanner
 * follows the oracle decision for decision, including its quirks (stale bracket-stack entries read
 * by the regex/division heuristic, lookahead that runs past the end, "undefined" stack slots):
 * exports detection depends on which tokens the scanner believes are strings, regexes or comments,
 * so any "improvement" here would make the detected names drift away from what Node reports.
 * Positions past either end of the source read as {@link #NONE}, the analogue of JS's {@code NaN}.
 */
final class CjsScanner {

    private static final int STACK_DEPTH = 2048;
    /** What {@code charCodeAt} gives outside the source (JS: NaN). Compares unequal to every char. */
    private static final int NONE = -1;
    /** A bracket-stack slot the oracle never wrote (JS: undefined, which indexes as 0). */
    private static final int UNWRITTEN = Integer.MIN_VALUE;

    private enum RequireUse { IMPORT, MODULE_EXPORTS_ASSIGN, LITERAL_SPREAD, EXPORT_STAR }

    private final String text;
    private final char[] src;
    private final int end;
    private int pos;

    private int openTokenDepth;
    private int templateDepth = -1;
    private int lastTokenPos = -1;
    private boolean lastSlashWasDivision;
    private final int[] templateStack = new int[STACK_DEPTH + 1];
    private int templateStackDepth;
    private final int[] openTokenPosStack = new int[STACK_DEPTH + 1];
    private final boolean[] openClassPosStack = new boolean[STACK_DEPTH + 1];
    private boolean nextBraceIsClass;
    private final Map<String, String> starExportBindings = new HashMap<>();
    private String lastStarExportSpecifier;

    private final Set<String> exports = new LinkedHashSet<>();
    private final Set<String> unsafeGetters = new LinkedHashSet<>();
    private final Set<String> reexports = new LinkedHashSet<>();
    private final Set<String> everyModuleExportsRequire = new LinkedHashSet<>();

    CjsScanner(String source) {
        this.text = source;
        this.src = source.toCharArray();
        this.end = src.length - 1;
        Arrays.fill(openTokenPosStack, UNWRITTEN);
    }

    CjsExports scan() {
        pos = -1;
        if (at(0) == '#' && at(1) == '!') {
            if (src.length == 2) {
                return result();
            }
            pos += 2;
            while (pos++ < end) {
                int ch = src[pos];
                if (ch == '\n' || ch == '\r') {
                    break;
                }
            }
        }
        while (pos++ < end) {
            int ch = src[pos];
            if (ch == ' ' || ch < 14 && ch > 8) {
                continue;
            }
            if (openTokenDepth == 0 && scanTopLevelOnly(ch)) {
                continue;
            }
            switch (ch) {
                case 'e' -> {
                    if (startsWith("xport", pos + 1) && keywordStart(pos)) {
                        if (at(pos + 6) == 's') {
                            tryParseExportsDotAssign(false);
                        } else if (openTokenDepth == 0) {
                            throwIfExportStatement();
                        }
                    }
                    skipTokenRun();
                }
                case 'c' -> {
                    if (at(pos + 1) == 'l' && keywordStart(pos) && startsWith("ass", pos + 2) && isBrOrWs(at(pos + 5))) {
                        nextBraceIsClass = true;
                    }
                    skipTokenRun();
                }
                case 'm' -> {
                    if (startsWith("odule", pos + 1) && keywordStart(pos)) {
                        tryParseModuleExportsDotAssign();
                    }
                    skipTokenRun();
                }
                case 'O' -> {
                    if (startsWith("bject", pos + 1) && keywordStart(pos)) {
                        tryParseObjectDefineOrKeys(openTokenDepth == 0);
                    }
                    skipTokenRun();
                }
                case '(' -> pushOpenToken(lastTokenPos);
                case ')' -> {
                    if (openTokenDepth == 0) {
                        throw error("Unexpected closing bracket.", false);
                    }
                    openTokenDepth--;
                }
                case '{' -> {
                    pushOpenToken(lastTokenPos);
                    openClassPosStack[openTokenDepth - 1] = nextBraceIsClass;
                    nextBraceIsClass = false;
                }
                case '}' -> {
                    if (openTokenDepth == 0) {
                        throw error("Unexpected closing brace.", false);
                    }
                    if (openTokenDepth-- == templateDepth) {
                        templateDepth = templateStack[--templateStackDepth];
                        templateString();
                    } else if (templateDepth != -1 && openTokenDepth < templateDepth) {
                        throw error("Unexpected closing brace.", false);
                    }
                }
                case '\'', '"' -> stringLiteral(ch);
                case '/' -> {
                    int next = at(pos + 1);
                    if (next == '/') {
                        lineComment();
                        continue; // comments are not tokens: keep lastTokenPos
                    }
                    if (next == '*') {
                        blockComment();
                        continue;
                    }
                    if (slashStartsRegex()) {
                        regularExpression();
                        lastSlashWasDivision = false;
                    } else {
                        lastSlashWasDivision = true;
                    }
                }
                case '`' -> templateString();
                default -> {
                    if (isTokenRunChar(ch)) {
                        skipTokenRun();
                    }
                }
            }
            lastTokenPos = pos;
        }
        if (templateDepth != -1) {
            throw error("Unterminated template.", false);
        }
        if (openTokenDepth != 0) {
            throw error("Unterminated braces.", false);
        }
        return result();
    }

    /**
     * The patterns only recognised outside any bracket ({@code import}, {@code require} bindings,
     * {@code _interopRequireWildcard}, {@code __export}). Returns true when the character was
     * consumed as a token and the main loop must go on with the next one.
     */
    private boolean scanTopLevelOnly(int ch) {
        switch (ch) {
            case 'i' -> {
                if (startsWith("mport", pos + 1) && keywordStart(pos)) {
                    throwIfImportStatement();
                }
            }
            case 'r' -> {
                int start = pos;
                if (tryParseRequire(RequireUse.IMPORT) && keywordStart(start)) {
                    tryBacktrackAddStarExportBinding(start - 1);
                }
            }
            case '_' -> {
                if (startsWith("interopRequireWildcard", pos + 1) && (keywordStart(pos) || at(pos - 1) == '.')) {
                    int start = pos;
                    pos += 23;
                    if (at(pos) == '(') {
                        pos++;
                        pushOpenToken(lastTokenPos);
                        if (tryParseRequire(RequireUse.IMPORT) && keywordStart(start)) {
                            tryBacktrackAddStarExportBinding(start - 1);
                        }
                    }
                } else if (startsWith("_export", pos + 1) && (keywordStart(pos) || at(pos - 1) == '.')) {
                    pos += 8;
                    if (startsWith("Star", pos)) {
                        pos += 4;
                    }
                    if (at(pos) == '(') {
                        pushOpenToken(lastTokenPos);
                        if (at(pos + 1) == 'r') {
                            pos++;
                            tryParseRequire(RequireUse.EXPORT_STAR);
                        }
                    }
                }
            }
            default -> {
                return false;
            }
        }
        skipTokenRun();
        lastTokenPos = pos;
        return true;
    }

    /**
     * The oracle's regex-or-division guess for a {@code /}: a regex follows an expression
     * punctuator (but not a decimal point or {@code ++}/{@code --}), a keyword that takes an
     * expression, a {@code )} closing {@code if}/{@code while}/{@code for}, a {@code }} closing a
     * statement block or class body, another regex, or nothing at all.
     */
    private boolean slashStartsRegex() {
        int lastToken = at(lastTokenPos);
        return isExpressionPunctuator(lastToken)
                        && !(lastToken == '.' && at(lastTokenPos - 1) >= '0' && at(lastTokenPos - 1) <= '9')
                        && !(lastToken == '+' && at(lastTokenPos - 1) == '+')
                        && !(lastToken == '-' && at(lastTokenPos - 1) == '-')
                || lastToken == ')' && isParenKeyword(openTokenPosStack[openTokenDepth])
                || lastToken == '}' && (isExpressionTerminator(openTokenPosStack[openTokenDepth])
                        || openClassPosStack[openTokenDepth])
                || lastToken == '/' && lastSlashWasDivision
                || isExpressionKeyword(lastTokenPos)
                || lastToken <= 0; // JS `!lastToken`: no token yet (NaN) or a NUL char
    }

    private CjsExports result() {
        List<String> names = new ArrayList<>(exports.size());
        for (String name : exports) {
            if (!unsafeGetters.contains(name)) {
                names.add(name);
            }
        }
        return new CjsExports(new LinkedHashSet<>(names), new ArrayList<>(reexports), new ArrayList<>(everyModuleExportsRequire));
    }

    // ---- bracket stacks -------------------------------------------------------------------

    private void pushOpenToken(int tokenPos) {
        if (openTokenDepth == STACK_DEPTH) {
            throw error("Maximum nesting depth exceeded.", false);
        }
        openTokenPosStack[openTokenDepth++] = tokenPos;
    }

    private void pushTemplate() {
        if (templateStackDepth == STACK_DEPTH || openTokenDepth == STACK_DEPTH) {
            throw error("Maximum nesting depth exceeded.", false);
        }
        templateStack[templateStackDepth++] = templateDepth;
        templateDepth = ++openTokenDepth;
    }

    // ---- export patterns -------------------------------------------------------------------

    /** After {@code [var|let|const] id = require('x')}: remembers id so {@code Object.keys(id)} can re-export 'x'. */
    private void tryBacktrackAddStarExportBinding(int bPos) {
        while (at(bPos) == ' ' && bPos >= 0) {
            bPos--;
        }
        if (at(bPos) != '=') {
            return;
        }
        bPos--;
        while (at(bPos) == ' ' && bPos >= 0) {
            bPos--;
        }
        int idEnd = bPos;
        boolean identifierStart = false;
        int cp;
        while ((cp = codePointBefore(bPos)) > 0 && bPos >= 0) {
            if (cp == '\\') {
                return;
            }
            if (!JsIdentifierChars.isIdentifierChar(cp)) {
                break;
            }
            identifierStart = JsIdentifierChars.isIdentifierStart(cp);
            bPos -= Character.charCount(cp);
        }
        if (!identifierStart || at(bPos) != ' ') {
            return;
        }
        String id = text.substring(bPos + 1, idEnd + 1);
        while (at(bPos) == ' ' && bPos >= 0) {
            bPos--;
        }
        switch (at(bPos)) {
            case 'r' -> {
                if (!startsWith("va", bPos - 2)) {
                    return;
                }
            }
            case 't' -> {
                if (!startsWith("le", bPos - 2) && !startsWith("cons", bPos - 4)) {
                    return;
                }
            }
            default -> {
                return;
            }
        }
        starExportBindings.put(id, lastStarExportSpecifier);
    }

    /** {@code Object} {@code .prototype}? {@code .hasOwnProperty.call(} IDENTIFIER {@code ,} itId {@code )} */
    private boolean tryParseObjectHasOwnProperty(String itId) {
        int ch = commentWhitespace();
        if (ch != 'O' || !startsWith("bject", pos + 1)) {
            return false;
        }
        pos += 6;
        ch = commentWhitespace();
        if (ch != '.') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch == 'p') {
            if (!startsWith("rototype", pos + 1)) {
                return false;
            }
            pos += 9;
            ch = commentWhitespace();
            if (ch != '.') {
                return false;
            }
            pos++;
            ch = commentWhitespace();
        }
        if (ch != 'h' || !startsWith("asOwnProperty", pos + 1)) {
            return false;
        }
        pos += 14;
        ch = commentWhitespace();
        if (ch != '.') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch != 'c' || !startsWith("all", pos + 1)) {
            return false;
        }
        pos += 4;
        ch = commentWhitespace();
        if (ch != '(') {
            return false;
        }
        pos++;
        commentWhitespace();
        if (!identifier()) {
            return false;
        }
        ch = commentWhitespace();
        if (ch != ',') {
            return false;
        }
        pos++;
        commentWhitespace();
        if (!startsWith(itId, pos)) {
            return false;
        }
        pos += itId.length();
        ch = commentWhitespace();
        if (ch != ')') {
            return false;
        }
        pos++;
        return true;
    }

    /** At {@code Object}: {@code Object.defineProperty(exports, ...)} or, at top level, the {@code Object.keys(x).forEach} re-export. */
    private void tryParseObjectDefineOrKeys(boolean topLevel) {
        pos += 6;
        int revertPos = pos - 1;
        int ch = commentWhitespace();
        if (ch == '.') {
            pos++;
            ch = commentWhitespace();
            if (ch == 'd' && startsWith("efineProperty", pos + 1)) {
                tryParseDefineProperty();
                return;
            }
            if (topLevel && ch == 'k' && startsWith("eys", pos + 1)) {
                tryParseObjectKeysReexport();
                return;
            }
        }
        pos = revertPos;
    }

    private void tryParseDefineProperty() {
        String name = null;
        pos += 14;
        int revertPos = pos - 1;
        attempt:
        {
            int ch = commentWhitespace();
            if (ch != '(') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (!readExportsOrModuleDotExports(ch)) {
                break attempt;
            }
            ch = commentWhitespace();
            if (ch != ',') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch != '\'' && ch != '"') {
                break attempt;
            }
            int namePos = pos;
            stringLiteral(ch);
            name = text.substring(namePos, ++pos);
            ch = commentWhitespace();
            if (ch != ',') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch != '{') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch == 'e') {
                if (!startsWith("numerable", pos + 1)) {
                    break attempt;
                }
                pos += 10;
                ch = commentWhitespace();
                if (ch != ':') {
                    break attempt;
                }
                pos++;
                ch = commentWhitespace();
                if (ch != 't' || !startsWith("rue", pos + 1)) {
                    break attempt;
                }
                pos += 4;
                ch = commentWhitespace();
                if (ch != ',') {
                    break attempt;
                }
                pos++;
                ch = commentWhitespace();
            }
            if (ch == 'v') {
                if (!startsWith("alue", pos + 1)) {
                    break attempt;
                }
                pos += 5;
                ch = commentWhitespace();
                if (ch != ':') {
                    break attempt;
                }
                addExport(name);
                // A value can be any expression: rescan it with the normal token rules.
                pos = revertPos;
                return;
            }
            if (ch != 'g' || !startsWith("et", pos + 1)) {
                break attempt;
            }
            pos += 3;
            ch = commentWhitespace();
            if (ch == ':') {
                pos++;
                ch = commentWhitespace();
                if (ch != 'f' || !startsWith("unction", pos + 1)) {
                    break attempt;
                }
                pos += 8;
                int afterKeyword = pos;
                ch = commentWhitespace();
                if (ch != '(' && (afterKeyword == pos || !identifier())) {
                    break attempt;
                }
                ch = commentWhitespace();
            }
            if (ch != '(') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch != ')') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch != '{') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch != 'r' || !startsWith("eturn", pos + 1)) {
                break attempt;
            }
            pos += 6;
            commentWhitespace();
            if (!identifier()) {
                break attempt;
            }
            ch = commentWhitespace();
            if (ch == '.') {
                pos++;
                commentWhitespace();
                if (!identifier()) {
                    break attempt;
                }
                ch = commentWhitespace();
            } else if (ch == '[') {
                pos++;
                ch = commentWhitespace();
                if (ch != '\'' && ch != '"') {
                    break attempt;
                }
                stringLiteral(ch);
                pos++;
                ch = commentWhitespace();
                if (ch != ']') {
                    break attempt;
                }
                pos++;
                ch = commentWhitespace();
            }
            if (ch == ';') {
                pos++;
                ch = commentWhitespace();
            }
            if (ch != '}') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch == ',') {
                pos++;
                ch = commentWhitespace();
            }
            if (ch != '}') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch != ')') {
                break attempt;
            }
            addExport(name);
            return;
        }
        if (name != null) {
            // A getter we cannot prove side-effect free vetoes the name everywhere in the file.
            String decoded = JsStringLiteral.decodeName(name);
            if (decoded != null) {
                unsafeGetters.add(decoded);
            }
        }
        pos = revertPos;
    }

    /**
     * Babel's {@code export * from} output: {@code Object.keys(_x).forEach(function (key) { ... })},
     * where {@code _x} was bound by {@code var _x = require('x')}; in every variant the oracle accepts.
     */
    private void tryParseObjectKeysReexport() {
        pos += 4;
        int revertPos = pos - 1;
        attempt:
        {
            int ch = commentWhitespace();
            if (ch != '(') {
                break attempt;
            }
            pos++;
            commentWhitespace();
            int idStart = pos;
            if (!identifier()) {
                break attempt;
            }
            String id = text.substring(idStart, pos);
            ch = commentWhitespace();
            if (ch != ')') {
                break attempt;
            }
            revertPos = pos++;
            ch = commentWhitespace();
            if (ch != '.') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch != 'f' || !startsWith("orEach", pos + 1)) {
                break attempt;
            }
            pos += 7;
            ch = commentWhitespace();
            revertPos = pos - 1;
            if (ch != '(') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch != 'f' || !startsWith("unction", pos + 1)) {
                break attempt;
            }
            pos += 8;
            ch = commentWhitespace();
            if (ch != '(') {
                break attempt;
            }
            pos++;
            commentWhitespace();
            int itStart = pos;
            if (!identifier()) {
                break attempt;
            }
            String itId = text.substring(itStart, pos);
            ch = commentWhitespace();
            if (ch != ')') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch != '{') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch != 'i' || at(pos + 1) != 'f') {
                break attempt;
            }
            pos += 2;
            ch = commentWhitespace();
            if (ch != '(') {
                break attempt;
            }
            pos++;
            commentWhitespace();
            if (!startsWith(itId, pos)) {
                break attempt;
            }
            pos += itId.length();
            ch = commentWhitespace();
            if (ch == '=') {
                if (!skipDefaultOrEsModuleGuards(id, itId)) {
                    break attempt;
                }
                ch = at(pos);
            } else if (ch == '!') {
                if (!skipNotDefaultGuard(itId)) {
                    break attempt;
                }
                ch = at(pos);
            } else {
                break attempt;
            }

            if (readExportsOrModuleDotExports(ch)) {
                // EXPORTS [ key ] = id [ key ] ;?
                ch = commentWhitespace();
                if (ch != '[') {
                    break attempt;
                }
                pos++;
                commentWhitespace();
                if (!startsWith(itId, pos)) {
                    break attempt;
                }
                pos += itId.length();
                ch = commentWhitespace();
                if (ch != ']') {
                    break attempt;
                }
                pos++;
                ch = commentWhitespace();
                if (ch != '=') {
                    break attempt;
                }
                pos++;
                commentWhitespace();
                if (!startsWith(id, pos)) {
                    break attempt;
                }
                pos += id.length();
                ch = commentWhitespace();
                if (ch != '[') {
                    break attempt;
                }
                pos++;
                commentWhitespace();
                if (!startsWith(itId, pos)) {
                    break attempt;
                }
                pos += itId.length();
                ch = commentWhitespace();
                if (ch != ']') {
                    break attempt;
                }
                pos++;
                ch = commentWhitespace();
                if (ch == ';') {
                    pos++;
                    ch = commentWhitespace();
                }
            } else if (ch == 'O') {
                if (!skipDefinePropertyGetterReexport(id, itId)) {
                    break attempt;
                }
                ch = at(pos);
            } else {
                break attempt;
            }

            if (ch != '}') {
                break attempt;
            }
            pos++;
            ch = commentWhitespace();
            if (ch != ')') {
                break attempt;
            }
            String specifier = starExportBindings.get(id);
            if (specifier != null && !specifier.isEmpty()) {
                // The oracle decodes the (already decoded) specifier a second time; keep that.
                String decoded = JsStringLiteral.decodeName(specifier);
                if (decoded != null) {
                    reexports.add(decoded);
                }
                pos = revertPos;
            }
            return;
        }
        pos = revertPos;
    }

    /**
     * {@code if (key === 'default' || key === '__esModule') return;} optionally followed by the
     * hasOwnProperty guard and/or the {@code key in exports && exports[key] === id[key]} guard.
     * Starts on the {@code =} after {@code key}; on success pos stands on the next token.
     */
    private boolean skipDefaultOrEsModuleGuards(String id, String itId) {
        if (!startsWith("==", pos + 1)) {
            return false;
        }
        pos += 3;
        int ch = commentWhitespace();
        if (ch != '"' && ch != '\'') {
            return false;
        }
        int quote = ch;
        if (!startsWith("default", pos + 1)) {
            return false;
        }
        pos += 8;
        ch = commentWhitespace();
        if (ch != quote) {
            return false;
        }
        pos += 1;
        ch = commentWhitespace();
        if (ch != '|' || at(pos + 1) != '|') {
            return false;
        }
        pos += 2;
        commentWhitespace();
        if (!startsWith(itId, pos)) {
            return false;
        }
        pos += itId.length();
        ch = commentWhitespace();
        if (ch != '=' || !startsWith("==", pos + 1)) {
            return false;
        }
        pos += 3;
        ch = commentWhitespace();
        if (ch != '"' && ch != '\'') {
            return false;
        }
        quote = ch;
        if (!startsWith("__esModule", pos + 1)) {
            return false;
        }
        pos += 11;
        ch = commentWhitespace();
        if (ch != quote) {
            return false;
        }
        pos += 1;
        ch = commentWhitespace();
        if (ch != ')') {
            return false;
        }
        pos += 1;
        if (!skipReturnStatement()) {
            return false;
        }
        ch = commentWhitespace();

        if (ch == 'i' && at(pos + 1) == 'f') {
            boolean inIf = true;
            pos += 2;
            ch = commentWhitespace();
            if (ch != '(') {
                return false;
            }
            pos++;
            int ifInnerPos = pos;
            if (tryParseObjectHasOwnProperty(itId)) {
                ch = commentWhitespace();
                if (ch != ')') {
                    return false;
                }
                pos++;
                if (!skipReturnStatement()) {
                    return false;
                }
                ch = commentWhitespace();
                if (ch == 'i' && at(pos + 1) == 'f') {
                    pos += 2;
                    ch = commentWhitespace();
                    if (ch != '(') {
                        return false;
                    }
                    pos++;
                } else {
                    inIf = false;
                }
            } else {
                pos = ifInnerPos;
            }

            if (inIf) {
                // key in exports && exports[key] === id[key]) return;?
                if (!startsWith(itId, pos)) {
                    return false;
                }
                pos += itId.length();
                ch = commentWhitespace();
                if (ch != 'i' || !startsWith("n ", pos + 1)) {
                    return false;
                }
                pos += 3;
                ch = commentWhitespace();
                if (!readExportsOrModuleDotExports(ch)) {
                    return false;
                }
                ch = commentWhitespace();
                if (ch != '&' || at(pos + 1) != '&') {
                    return false;
                }
                pos += 2;
                ch = commentWhitespace();
                if (!readExportsOrModuleDotExports(ch)) {
                    return false;
                }
                ch = commentWhitespace();
                if (ch != '[') {
                    return false;
                }
                pos++;
                commentWhitespace();
                if (!startsWith(itId, pos)) {
                    return false;
                }
                pos += itId.length();
                ch = commentWhitespace();
                if (ch != ']') {
                    return false;
                }
                pos++;
                ch = commentWhitespace();
                if (ch != '=' || !startsWith("==", pos + 1)) {
                    return false;
                }
                pos += 3;
                commentWhitespace();
                if (!startsWith(id, pos)) {
                    return false;
                }
                pos += id.length();
                ch = commentWhitespace();
                if (ch != '[') {
                    return false;
                }
                pos++;
                commentWhitespace();
                if (!startsWith(itId, pos)) {
                    return false;
                }
                pos += itId.length();
                ch = commentWhitespace();
                if (ch != ']') {
                    return false;
                }
                pos++;
                ch = commentWhitespace();
                if (ch != ')') {
                    return false;
                }
                pos++;
                if (!skipReturnStatement()) {
                    return false;
                }
                commentWhitespace();
            }
        }
        return true;
    }

    /** {@code return} {@code ;}?, leaving pos after it (on whitespace or the next token). */
    private boolean skipReturnStatement() {
        int ch = commentWhitespace();
        if (ch != 'r' || !startsWith("eturn", pos + 1)) {
            return false;
        }
        pos += 6;
        ch = commentWhitespace();
        if (ch == ';') {
            pos++;
        }
        return true;
    }

    /**
     * {@code if (key !== 'default' && !Object.prototype.hasOwnProperty.call(x, key))} or
     * {@code && !x.hasOwnProperty(key)}, the guard optional. Starts on the {@code !} after key.
     */
    private boolean skipNotDefaultGuard(String itId) {
        if (!startsWith("==", pos + 1)) {
            return false;
        }
        pos += 3;
        int ch = commentWhitespace();
        if (ch != '"' && ch != '\'') {
            return false;
        }
        int quote = ch;
        if (!startsWith("default", pos + 1)) {
            return false;
        }
        pos += 8;
        ch = commentWhitespace();
        if (ch != quote) {
            return false;
        }
        pos += 1;
        ch = commentWhitespace();
        if (ch == '&') {
            if (at(pos + 1) != '&') {
                return false;
            }
            pos += 2;
            ch = commentWhitespace();
            if (ch != '!') {
                return false;
            }
            pos += 1;
            ch = commentWhitespace();
            if (ch == 'O' && startsWith("bject", pos + 1) && at(pos + 6) == '.') {
                if (!tryParseObjectHasOwnProperty(itId)) {
                    return false;
                }
            } else if (identifier()) {
                ch = commentWhitespace();
                if (ch != '.') {
                    return false;
                }
                pos++;
                ch = commentWhitespace();
                if (ch != 'h' || !startsWith("asOwnProperty", pos + 1)) {
                    return false;
                }
                pos += 14;
                ch = commentWhitespace();
                if (ch != '(') {
                    return false;
                }
                pos += 1;
                commentWhitespace();
                if (!startsWith(itId, pos)) {
                    return false;
                }
                pos += itId.length();
                ch = commentWhitespace();
                if (ch != ')') {
                    return false;
                }
                pos += 1;
            } else {
                return false;
            }
            ch = commentWhitespace();
        }
        if (ch != ')') {
            return false;
        }
        pos += 1;
        commentWhitespace();
        return true;
    }

    /**
     * {@code Object.defineProperty(exports, key, { enumerable: true, get: function () { return id[key]; } });}
     * inside the forEach body. Starts on {@code O}; on success pos stands on the next token.
     */
    private boolean skipDefinePropertyGetterReexport(String id, String itId) {
        if (!startsWith("bject", pos + 1)) {
            return false;
        }
        pos += 6;
        int ch = commentWhitespace();
        if (ch != '.') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch != 'd' || !startsWith("efineProperty", pos + 1)) {
            return false;
        }
        pos += 14;
        ch = commentWhitespace();
        if (ch != '(') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (!readExportsOrModuleDotExports(ch)) {
            return false;
        }
        ch = commentWhitespace();
        if (ch != ',') {
            return false;
        }
        pos++;
        commentWhitespace();
        if (!startsWith(itId, pos)) {
            return false;
        }
        pos += itId.length();
        ch = commentWhitespace();
        if (ch != ',') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch != '{') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch != 'e' || !startsWith("numerable", pos + 1)) {
            return false;
        }
        pos += 10;
        ch = commentWhitespace();
        if (ch != ':') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        // The oracle writes `&&` here, so any token starting with t, or followed by "rue", passes.
        if (ch != 't' && !startsWith("rue", pos + 1)) {
            return false;
        }
        pos += 4;
        ch = commentWhitespace();
        if (ch != ',') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch != 'g' || !startsWith("et", pos + 1)) {
            return false;
        }
        pos += 3;
        ch = commentWhitespace();
        if (ch == ':') {
            pos++;
            ch = commentWhitespace();
            if (ch != 'f' || !startsWith("unction", pos + 1)) {
                return false;
            }
            pos += 8;
            int afterKeyword = pos;
            ch = commentWhitespace();
            if (ch != '(' && (afterKeyword == pos || !identifier())) {
                return false;
            }
            ch = commentWhitespace();
        }
        if (ch != '(') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch != ')') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch != '{') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch != 'r' || !startsWith("eturn", pos + 1)) {
            return false;
        }
        pos += 6;
        commentWhitespace();
        if (!startsWith(id, pos)) {
            return false;
        }
        pos += id.length();
        ch = commentWhitespace();
        if (ch != '[') {
            return false;
        }
        pos++;
        commentWhitespace();
        if (!startsWith(itId, pos)) {
            return false;
        }
        pos += itId.length();
        ch = commentWhitespace();
        if (ch != ']') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch == ';') {
            pos++;
            ch = commentWhitespace();
        }
        if (ch != '}') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch == ',') {
            pos++;
            ch = commentWhitespace();
        }
        if (ch != '}') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch != ')') {
            return false;
        }
        pos++;
        ch = commentWhitespace();
        if (ch == ';') {
            pos++;
            commentWhitespace();
        }
        return true;
    }

    /** Consumes {@code exports} or {@code module.exports} (with any spacing in between). */
    private boolean readExportsOrModuleDotExports(int ch) {
        int revertPos = pos;
        if (ch == 'm' && startsWith("odule", pos + 1)) {
            pos += 6;
            ch = commentWhitespace();
            if (ch != '.') {
                pos = revertPos;
                return false;
            }
            pos++;
            ch = commentWhitespace();
        }
        if (ch == 'e' && startsWith("xports", pos + 1)) {
            pos += 7;
            return true;
        }
        pos = revertPos;
        return false;
    }

    private void tryParseModuleExportsDotAssign() {
        pos += 6;
        int revertPos = pos - 1;
        int ch = commentWhitespace();
        if (ch == '.') {
            pos++;
            ch = commentWhitespace();
            if (ch == 'e' && startsWith("xports", pos + 1)) {
                tryParseExportsDotAssign(true);
                return;
            }
        }
        pos = revertPos;
    }

    /** At {@code exports}: {@code .name =}, {@code ['name'] =}, or (after {@code module.}) {@code = ...}. */
    private void tryParseExportsDotAssign(boolean afterModule) {
        pos += 7;
        int revertPos = pos - 1;
        int ch = commentWhitespace();
        switch (ch) {
            case '.' -> {
                pos++;
                commentWhitespace();
                int start = pos;
                if (identifier()) {
                    int nameEnd = pos;
                    if (commentWhitespace() == '=') {
                        addExport(text.substring(start, nameEnd));
                        return;
                    }
                }
            }
            case '[' -> {
                pos++;
                ch = commentWhitespace();
                if (ch == '\'' || ch == '"') {
                    int start = pos;
                    stringLiteral(ch);
                    int nameEnd = ++pos;
                    ch = commentWhitespace();
                    if (ch == ']') {
                        pos++;
                        ch = commentWhitespace();
                        if (ch == '=') {
                            addExport(text.substring(start, nameEnd));
                        }
                    }
                }
            }
            case '=' -> {
                if (afterModule) {
                    // Each whole-object assignment replaces the previous one, and with it its re-exports.
                    reexports.clear();
                    pos++;
                    ch = commentWhitespace();
                    if (ch == '{') {
                        tryParseLiteralExports();
                        return;
                    }
                    if (ch == 'r') {
                        tryParseRequire(RequireUse.MODULE_EXPORTS_ASSIGN);
                    }
                }
            }
            default -> {
                // not an export pattern
            }
        }
        pos = revertPos;
    }

    /** At {@code r}: {@code require('x')}; on success pos stands on the closing parenthesis. */
    private boolean tryParseRequire(RequireUse use) {
        int revertPos = pos;
        if (!startsWith("equire", pos + 1)) {
            return false;
        }
        pos += 7;
        int ch = commentWhitespace();
        if (ch == '(') {
            pos++;
            ch = commentWhitespace();
            int start = pos;
            if (ch == '\'' || ch == '"') {
                stringLiteral(ch);
                int specifierEnd = ++pos;
                ch = commentWhitespace();
                if (ch == ')') {
                    String specifier = JsStringLiteral.decodeName(text.substring(start, specifierEnd));
                    switch (use) {
                        case IMPORT -> lastStarExportSpecifier = specifier;
                        case MODULE_EXPORTS_ASSIGN -> {
                            addReexport(specifier);
                            if (specifier != null) {
                                everyModuleExportsRequire.add(specifier);
                            }
                        }
                        case LITERAL_SPREAD, EXPORT_STAR -> addReexport(specifier);
                    }
                    return true;
                }
            }
        }
        pos = revertPos;
        return false;
    }

    /** At the {@code {} of {@code module.exports = {}: identifiers, {@code 'str': id}, {@code ...spreads}. */
    private void tryParseLiteralExports() {
        int revertPos = pos - 1;
        while (pos++ < end) {
            int ch = commentWhitespace();
            int start = pos;
            if (identifier()) {
                int nameEnd = pos;
                ch = commentWhitespace();
                if (ch == ':') {
                    pos++;
                    commentWhitespace();
                    // only `name: identifier` values; anything else ends the detection
                    if (!identifier()) {
                        pos = revertPos;
                        return;
                    }
                    ch = at(pos); // the oracle does not skip whitespace after the value
                }
                addExport(text.substring(start, nameEnd));
            } else if (ch == '.' && startsWith("..", pos + 1)) {
                pos += 3;
                if (at(pos) == 'r' && tryParseRequire(RequireUse.LITERAL_SPREAD)) {
                    pos++;
                } else if (!identifier()) {
                    pos = revertPos;
                    return;
                }
                ch = commentWhitespace();
            } else if (ch == '\'' || ch == '"') {
                int nameStart = pos;
                stringLiteral(ch);
                int nameEnd = ++pos;
                ch = commentWhitespace();
                if (ch == ':') {
                    pos++;
                    commentWhitespace();
                    if (!identifier()) {
                        pos = revertPos;
                        return;
                    }
                    ch = at(pos);
                    addExport(text.substring(nameStart, nameEnd));
                }
            } else {
                pos = revertPos;
                return;
            }
            if (ch == '}') {
                return;
            }
            if (ch != ',') {
                pos = revertPos;
                return;
            }
        }
    }

    private void addExport(String rawName) {
        String name = JsStringLiteral.decodeName(rawName);
        if (name != null) {
            exports.add(name);
        }
    }

    private void addReexport(String specifier) {
        if (specifier != null) {
            reexports.add(specifier);
        }
    }

    // ---- ESM syntax ------------------------------------------------------------------------

    private void throwIfImportStatement() {
        int startPos = pos;
        pos += 6;
        int ch = commentWhitespace();
        switch (ch) {
            case '(' -> {
                // dynamic import() is fine in CommonJS
                pushOpenToken(startPos);
                return;
            }
            case '.' -> throw error("Unexpected import.meta in CJS module.", true);
            case '"', '\'', '{', '*' -> {
                // an import statement
            }
            default -> {
                if (pos == startPos + 6) {
                    return; // `import` is only the start of a longer identifier
                }
            }
        }
        if (openTokenDepth != 0) {
            pos--;
            return;
        }
        throw error("Unexpected import statement in CJS module.", true);
    }

    private void throwIfExportStatement() {
        pos += 6;
        int curPos = pos;
        int ch = commentWhitespace();
        if (pos == curPos && !isPunctuator(ch)) {
            return;
        }
        throw error("Unexpected export statement in CJS module.", true);
    }

    // ---- token skipping ---------------------------------------------------------------------

    /**
     * Skips whitespace and comments and returns the char at pos. At the end of input it returns the
     * last char looked at, with pos past the end, exactly like the oracle (callers compare it).
     */
    private int commentWhitespace() {
        int ch;
        do {
            ch = at(pos);
            if (ch == '/') {
                int next = at(pos + 1);
                if (next == '/') {
                    lineComment();
                } else if (next == '*') {
                    blockComment();
                } else {
                    return ch;
                }
            } else if (!isBrOrWs(ch)) {
                return ch;
            }
        } while (pos++ < end);
        return ch;
    }

    private void templateString() {
        while (pos++ < end) {
            char ch = src[pos];
            if (ch == '$' && at(pos + 1) == '{') {
                pos++;
                pushTemplate();
                return;
            }
            if (ch == '`') {
                return;
            }
            if (ch == '\\') {
                pos++;
            }
        }
        // The oracle calls an undefined syntaxError() here, which throws a ReferenceError.
        throw error("Unterminated template string.", false);
    }

    private void blockComment() {
        pos++;
        while (pos++ < end) {
            if (src[pos] == '*' && at(pos + 1) == '/') {
                pos++;
                return;
            }
        }
    }

    private void lineComment() {
        while (pos++ < end) {
            char ch = src[pos];
            if (ch == '\n' || ch == '\r') {
                return;
            }
        }
    }

    private void stringLiteral(int quote) {
        while (pos++ < end) {
            int ch = src[pos];
            if (ch == quote) {
                return;
            }
            if (ch == '\\') {
                ch = at(++pos);
                if (ch == '\r' && at(pos + 1) == '\n') {
                    pos++;
                }
            } else if (ch == '\r' || ch == '\n') {
                break;
            }
        }
        throw error("Unterminated string.", false);
    }

    private void regexCharacterClass() {
        while (pos++ < end) {
            char ch = src[pos];
            if (ch == ']') {
                return;
            }
            if (ch == '\\') {
                pos++;
            } else if (ch == '\n' || ch == '\r') {
                break;
            }
        }
        throw error("Syntax error reading regular expression class.", false);
    }

    private void regularExpression() {
        while (pos++ < end) {
            char ch = src[pos];
            if (ch == '/') {
                return;
            }
            if (ch == '[') {
                regexCharacterClass();
            } else if (ch == '\\') {
                pos++;
            } else if (ch == '\n' || ch == '\r') {
                break;
            }
        }
        throw error("Syntax error reading regular expression.", false);
    }

    /** Identifier at pos (no {@code \\u} escapes); on success pos stands after it. */
    private boolean identifier() {
        int cp = codePointAt(pos);
        if (!JsIdentifierChars.isIdentifierStart(cp)) {
            return false;
        }
        pos += Character.charCount(cp);
        // The oracle's loop also stops on a NUL char (falsy code point).
        while ((cp = codePointAt(pos)) > 0) {
            if (!JsIdentifierChars.isIdentifierChar(cp)) {
                break;
            }
            pos += Character.charCount(cp);
        }
        return true;
    }

    private void skipTokenRun() {
        if (!isTokenRunChar(at(pos))) {
            return;
        }
        while (isTokenRunChar(at(pos + 1))) {
            pos++;
        }
    }

    // ---- character and keyword classes ---------------------------------------------------------

    private int at(int i) {
        return i >= 0 && i < src.length ? src[i] : NONE;
    }

    /** JS {@code codePointAt}: a surrogate pair is one code point, a lone surrogate is itself. */
    private int codePointAt(int i) {
        if (i < 0 || i >= src.length) {
            return NONE;
        }
        return Character.codePointAt(src, i);
    }

    /** The code point ending at i, reading backwards (the oracle pairs any low surrogate). */
    private int codePointBefore(int i) {
        int ch = at(i);
        if ((ch & 0xFC00) == 0xDC00) {
            int high = i - 1 >= 0 ? src[i - 1] : 0; // JS: NaN & 0x3FF == 0
            return (((high & 0x3FF) << 10) | (ch & 0x3FF)) + 0x10000;
        }
        return ch;
    }

    /** JS {@code startsWith(s, p)}: p is clamped into the source, so a negative p means 0. */
    private boolean startsWith(String s, int p) {
        int from = Math.max(0, Math.min(p, src.length));
        if (from + s.length() > src.length) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (src[from + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Index {@code slot + offset}, where an unwritten stack slot (JS undefined) behaves like index 0. */
    private static int fromSlot(int slot, int offset) {
        return slot == UNWRITTEN ? 0 : slot + offset;
    }

    private static boolean isBrOrWs(int c) {
        return c > 8 && c < 14 || c == 32 || c == 160;
    }

    private static boolean isBrOrWsOrPunctuatorNotDot(int c) {
        return isBrOrWs(c) || isPunctuator(c) && c != '.';
    }

    private static boolean isTokenRunChar(int ch) {
        int lower = ch | 32;
        return lower >= 'a' && lower <= 'z' || ch >= '0' && ch <= '9'
                || ch == '$' || ch == '_' || ch == '\\' || ch > 127 && ch != 160;
    }

    private boolean keywordStart(int p) {
        return p == 0 || isBrOrWsOrPunctuatorNotDot(at(p - 1));
    }

    private boolean readPrecedingKeyword(int p, String match) {
        if (p < match.length() - 1) {
            return false;
        }
        return startsWith(match, p - match.length() + 1) && (p == 0 || isBrOrWsOrPunctuatorNotDot(at(p - match.length())));
    }

    private boolean readPrecedingKeyword1(int p, int ch) {
        return at(p) == ch && (p == 0 || isBrOrWsOrPunctuatorNotDot(at(p - 1)));
    }

    /** Whether the token ending at p is case, debugger, delete, do, else, in, instanceof, new, return, throw, typeof, void, yield or await. */
    private boolean isExpressionKeyword(int p) {
        switch (at(p)) {
            case 'd':
                return switch (at(p - 1)) {
                    case 'i' -> readPrecedingKeyword(p - 2, "vo");
                    case 'l' -> readPrecedingKeyword(p - 2, "yie");
                    default -> false;
                };
            case 'e':
                switch (at(p - 1)) {
                    case 's':
                        return switch (at(p - 2)) {
                            case 'l' -> readPrecedingKeyword1(p - 3, 'e');
                            case 'a' -> readPrecedingKeyword1(p - 3, 'c');
                            default -> false;
                        };
                    case 't':
                        return readPrecedingKeyword(p - 2, "dele");
                    default:
                        return false;
                }
            case 'f':
                if (at(p - 1) != 'o' || at(p - 2) != 'e') {
                    return false;
                }
                return switch (at(p - 3)) {
                    case 'c' -> readPrecedingKeyword(p - 4, "instan");
                    case 'p' -> readPrecedingKeyword(p - 4, "ty");
                    default -> false;
                };
            case 'n':
                return readPrecedingKeyword1(p - 1, 'i') || readPrecedingKeyword(p - 1, "retur");
            case 'o':
                return readPrecedingKeyword1(p - 1, 'd');
            case 'r':
                return readPrecedingKeyword(p - 1, "debugge");
            case 't':
                return readPrecedingKeyword(p - 1, "awai");
            case 'w':
                return switch (at(p - 1)) {
                    case 'e' -> readPrecedingKeyword1(p - 2, 'n');
                    case 'o' -> readPrecedingKeyword(p - 2, "thr");
                    default -> false;
                };
            default:
                return false;
        }
    }

    /** Whether the bracket opened after {@code while}, {@code for} or {@code if}. */
    private boolean isParenKeyword(int slot) {
        return at(fromSlot(slot, 0)) == 'e' && startsWith("whil", fromSlot(slot, -4))
                || at(fromSlot(slot, 0)) == 'r' && startsWith("fo", fromSlot(slot, -2))
                || at(fromSlot(slot, -1)) == 'i' && at(fromSlot(slot, 0)) == 'f';
    }

    /** Whether a {@code {} after this token opens a statement block: after => ; ) finally catch else. */
    private boolean isExpressionTerminator(int slot) {
        return switch (at(fromSlot(slot, 0))) {
            case '>' -> at(fromSlot(slot, -1)) == '=';
            case ';', ')' -> true;
            case 'h' -> startsWith("catc", fromSlot(slot, -4));
            case 'y' -> startsWith("finall", fromSlot(slot, -6));
            case 'e' -> startsWith("els", fromSlot(slot, -3));
            default -> false;
        };
    }

    private static boolean isPunctuator(int ch) {
        return ch == '!' || ch == '%' || ch == '&'
                || ch > 39 && ch < 48 || ch > 57 && ch < 64
                || ch == '[' || ch == ']' || ch == '^'
                || ch > 122 && ch < 127;
    }

    private static boolean isExpressionPunctuator(int ch) {
        return ch == '!' || ch == '%' || ch == '&'
                || ch > 39 && ch < 47 && ch != 41 || ch > 57 && ch < 64
                || ch == '[' || ch == '^' || ch > 122 && ch < 127 && ch != '}';
    }

    private CjsLexException error(String reason, boolean esmSyntax) {
        // Same position arithmetic as the oracle's "at name:line:col" suffix.
        int upTo = Math.max(0, Math.min(pos, src.length));
        int line = 1;
        for (int i = 0; i < upTo; i++) {
            if (src[i] == '\n') {
                line++;
            }
        }
        int lastNewline = pos - 1 < 0 ? (src.length > 0 && src[0] == '\n' ? 0 : -1) : text.lastIndexOf('\n', pos - 1);
        return new CjsLexException(reason, pos, line, pos - lastNewline, esmSyntax);
    }
}
