package dev.prebundled.cjs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Computes every export name a CommonJS entry file will have, following its re-exports the way
 * Node's ESM loader does ({@code cjsPreparseModuleExports}: lex the file, then merge the names of
 * each re-exported {@code .js}/{@code .cjs} file, never {@code .json}/{@code .node}), with one
 * deliberate extension: every {@code module.exports = require(...)} is followed, not only the last
 * one, so that both branches of React's {@code NODE_ENV} switch count. Relative specifiers are
 * resolved like Node's CommonJS {@code require}; bare ones through a {@link BareSpecifierResolver}.
 * Cycles are cut by visiting each real path once, which gives every member of a cycle the union of
 * the cycle's names (Node gives later members a partial set; the union is the safer superset).
 * Lexing results are cached per file, keyed by path and checked against size and modification
 * time, so an instance should be shared.
 */
public final class CjsExportResolver {

    private final CjsLexer lexer;
    private final BareSpecifierResolver bareSpecifiers;
    private final Map<Path, CachedLex> lexCache = new ConcurrentHashMap<>();

    public CjsExportResolver(CjsLexer lexer, BareSpecifierResolver bareSpecifiers) {
        this.lexer = lexer;
        this.bareSpecifiers = bareSpecifiers;
    }

    /** A resolver with the simple node_modules walk for bare specifiers. */
    public CjsExportResolver() {
        this(new CjsLexer(), new NodeModulesBareSpecifierResolver());
    }

    /**
     * @param entryFile the CommonJS file that is imported
     * @throws IOException when the entry file itself does not exist
     */
    public ResolvedCjsExports resolve(Path entryFile) throws IOException {
        Path entry = entryFile.toRealPath();
        Walk walk = new Walk();
        walk.visit(entry);
        // Node's namespace `default` is module.exports itself; a detected "default" name is not separate.
        walk.names.remove("default");
        return new ResolvedCjsExports(entry, walk.names, walk.lexed, walk.unfollowed, walk.rejected);
    }

    /** The lexer result for one file, or empty when it cannot be read or lexed (Node: no names). */
    public Optional<CjsExports> lexFile(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            CachedLex cached = lexCache.get(file);
            if (cached != null && cached.size == attributes.size() && cached.modified.equals(attributes.lastModifiedTime())) {
                return cached.exports;
            }
            // Node reads the file as UTF-8 with replacement characters, as new String(...) does.
            String source = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            Optional<CjsExports> exports;
            try {
                exports = Optional.of(lexer.lex(source));
            } catch (CjsLexException e) {
                exports = Optional.empty();
            }
            lexCache.put(file, new CachedLex(attributes.size(), attributes.lastModifiedTime(), exports));
            return exports;
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private record CachedLex(long size, FileTime modified, Optional<CjsExports> exports) {
    }

    /** State of one resolve() call: depth-first like Node's recursion, each file once. */
    private final class Walk {
        final Set<String> names = new LinkedHashSet<>();
        final Set<Path> visited = new LinkedHashSet<>();
        final List<Path> lexed = new ArrayList<>();
        final List<ResolvedCjsExports.UnfollowedReexport> unfollowed = new ArrayList<>();
        final List<Path> rejected = new ArrayList<>();

        void visit(Path file) {
            if (!visited.add(file)) {
                return;
            }
            Optional<CjsExports> found = lexFile(file);
            if (found.isEmpty()) {
                rejected.add(file);
                return;
            }
            lexed.add(file);
            CjsExports exports = found.get();
            names.addAll(exports.exports());
            Set<String> specifiers = new LinkedHashSet<>(exports.reexports());
            specifiers.addAll(exports.everyModuleExportsRequire());
            for (String specifier : specifiers) {
                Optional<Path> target = CommonJsFiles.isPathSpecifier(specifier)
                        ? CommonJsFiles.resolvePathSpecifier(specifier, file)
                        : bareSpecifiers.resolve(specifier, file).flatMap(CjsExportResolver::realPath);
                if (target.isEmpty()) {
                    unfollowed.add(new ResolvedCjsExports.UnfollowedReexport(file, specifier, "cannot be resolved"));
                } else if (!isLexedByNode(target.get())) {
                    unfollowed.add(new ResolvedCjsExports.UnfollowedReexport(file, specifier,
                            "resolves to " + target.get().getFileName() + ", which Node does not lex for exports"));
                } else {
                    visit(target.get());
                }
            }
        }
    }

    /** Node follows .js, .cjs and unknown extensions, but not the registered .json and .node loaders. */
    private static boolean isLexedByNode(Path file) {
        String name = file.getFileName().toString();
        return !name.endsWith(".json") && !name.endsWith(".node");
    }

    private static Optional<Path> realPath(Path file) {
        try {
            return Optional.of(file.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
