package dev.prebundled.cjs;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The export names a CommonJS entry file will have when imported from ESM, after following its
 * re-exports. {@code names} matches the keys of Node's namespace for {@code import * as ns} of the
 * file minus {@code default} (always {@code module.exports} itself, added by whoever builds the
 * facade); like Node it keeps {@code __esModule} and names that are not identifiers, e.g. "a-b".
 * The other fields explain the result: which files were lexed, which re-exports could not be
 * followed and why, and which files the lexer rejected (they contribute no names, as in Node).
 *
 * @param entry          the real path of the entry file
 * @param names          export names in discovery order: the entry's own, then re-exports depth first,
 *                       Node's own re-exports before the extra {@code module.exports = require} branches
 * @param lexedFiles     every file whose exports were counted, entry first
 * @param unfollowed     re-exports that contributed nothing, with the reason
 * @param rejectedFiles  files that could not be read or that the lexer rejected
 */
public record ResolvedCjsExports(Path entry, Set<String> names, List<Path> lexedFiles,
        List<UnfollowedReexport> unfollowed, List<Path> rejectedFiles) {

    public ResolvedCjsExports {
        names = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(names));
        lexedFiles = List.copyOf(lexedFiles);
        unfollowed = List.copyOf(unfollowed);
        rejectedFiles = List.copyOf(rejectedFiles);
    }

    /**
     * A re-export that contributed no names.
     *
     * @param from      the file containing the {@code require()}
     * @param specifier the specifier as written
     * @param reason    why it was not followed
     */
    public record UnfollowedReexport(Path from, String specifier, String reason) {
    }
}
