package dev.prebundled.cjs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following re-exports across files: NODE_ENV switches, cycles, Node's file lookup, bare packages. */
class CjsExportResolverTest {

    @TempDir
    Path dir;

    private final CjsExportResolver resolver = new CjsExportResolver();

    private Path write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    @Test
    void realReactFollowsBothNodeEnvBranches() throws IOException {
        Path react = TestPackages.nodeModules().resolve("react");
        ResolvedCjsExports index = resolver.resolve(react.resolve("index.js"));
        assertThat(index.names()).contains("useState", "useEffect", "useMemo", "createElement", "Fragment", "Component",
                "act", "captureOwnerStack");
        assertThat(index.names()).doesNotContain("default");
        // Node's own choice (the last assignment) first, then the branch Node would not see.
        assertThat(index.lexedFiles()).extracting(p -> p.getFileName().toString())
                .containsExactly("index.js", "react.development.js", "react.production.js");
        assertThat(index.unfollowed()).isEmpty();

        ResolvedCjsExports jsxRuntime = resolver.resolve(react.resolve("jsx-runtime.js"));
        assertThat(jsxRuntime.names()).containsExactlyInAnyOrder("Fragment", "jsx", "jsxs");
    }

    @Test
    void bothBranchesCountEvenWhenTheyExportDifferentNames() throws IOException {
        write("prod.js", "exports.onlyInProd = 1; exports.shared = 1;");
        write("dev.js", "exports.onlyInDev = 1; exports.shared = 1;");
        Path index = write("index.js", """
                if (process.env.NODE_ENV === 'production') module.exports = require('./prod.js');
                else module.exports = require('./dev');
                """);
        assertThat(resolver.resolve(index).names()).containsExactly("onlyInDev", "shared", "onlyInProd");
    }

    @Test
    void cyclesTerminateAndShareNames() throws IOException {
        Path a = write("a.js", "exports.fromA = 1; __exportStar(require('./b'), exports);");
        Path b = write("b.js", "exports.fromB = 1; __exportStar(require('./a'), exports);");
        assertThat(resolver.resolve(a).names()).containsExactly("fromA", "fromB");
        assertThat(resolver.resolve(b).names()).containsExactly("fromB", "fromA");
        Path self = write("self.js", "exports.me = 1; module.exports = require('./self.js');");
        assertThat(resolver.resolve(self).names()).containsExactly("me");
    }

    @Test
    void nodeCommonJsFileLookup() throws IOException {
        write("lib/exact", "exports.exact = 1;");
        write("lib/withext.js", "exports.withExt = 1;");
        write("lib/dir/index.js", "exports.dirIndex = 1;");
        write("lib/pkg/package.json", "{\"main\": \"./main\"}");
        write("lib/pkg/main.js", "exports.pkgMain = 1;");
        write("lib/badmain/package.json", "{\"main\": \"missing.js\"}");
        write("lib/badmain/index.js", "exports.fallbackIndex = 1;");
        write("lib/onlycjs.cjs", "exports.never = 1;");
        Path entry = write("entry.js", """
                __exportStar(require('./lib/exact'), exports);
                __exportStar(require('./lib/withext'), exports);
                __exportStar(require('./lib/dir'), exports);
                __exportStar(require('./lib/pkg'), exports);
                __exportStar(require('./lib/badmain/'), exports);
                __exportStar(require('./lib/onlycjs'), exports);
                """);
        ResolvedCjsExports resolved = resolver.resolve(entry);
        assertThat(resolved.names()).containsExactly("exact", "withExt", "dirIndex", "pkgMain", "fallbackIndex");
        // Node's require does not probe .cjs
        assertThat(resolved.unfollowed()).singleElement()
                .satisfies(u -> assertThat(u.specifier()).isEqualTo("./lib/onlycjs"));
    }

    @Test
    void jsonReexportsAreNotLexedAndRejectedFilesAddNothing() throws IOException {
        write("data.json", "{\"exports\": 1}");
        write("esm.js", "export const x = 1;");
        Path entry = write("entry.js", "exports.own = 1; __exportStar(require('./data'), exports); __exportStar(require('./esm'), exports);");
        ResolvedCjsExports resolved = resolver.resolve(entry);
        assertThat(resolved.names()).containsExactly("own");
        assertThat(resolved.unfollowed()).extracting(ResolvedCjsExports.UnfollowedReexport::specifier).containsExactly("./data");
        assertThat(resolved.rejectedFiles()).extracting(p -> p.getFileName().toString()).containsExactly("esm.js");
    }

    @Test
    void bareSpecifiersGoThroughTheNodeModulesWalkOrAPluggedResolver() throws IOException {
        write("node_modules/dep/package.json", "{\"main\": \"lib/main.js\"}");
        write("node_modules/dep/lib/main.js", "exports.depMain = 1;");
        write("node_modules/@scope/pkg/sub.js", "exports.scopedSub = 1;");
        Path entry = write("src/entry.js", """
                exports.__esModule = true;
                __exportStar(require('dep'), exports);
                __exportStar(require('@scope/pkg/sub'), exports);
                __exportStar(require('fs'), exports);
                """);
        ResolvedCjsExports resolved = resolver.resolve(entry);
        assertThat(resolved.names()).containsExactly("__esModule", "depMain", "scopedSub");
        assertThat(resolved.unfollowed()).extracting(ResolvedCjsExports.UnfollowedReexport::specifier).containsExactly("fs");

        Path elsewhere = write("elsewhere.js", "exports.plugged = 1;");
        CjsExportResolver plugged = new CjsExportResolver(new CjsLexer(),
                (specifier, from) -> specifier.equals("fs") ? Optional.of(elsewhere) : Optional.empty());
        assertThat(plugged.resolve(entry).names()).containsExactly("__esModule", "plugged");
    }

    @Test
    void defaultIsNeverANamedExport() throws IOException {
        Path entry = write("entry.js", "exports.default = 1; exports['a-b'] = 2;");
        assertThat(resolver.resolve(entry).names()).containsExactly("a-b");
    }

    @Test
    void lexResultsAreCachedUntilTheFileChanges() throws IOException {
        Path file = write("cached.js", "exports.before = 1;");
        assertThat(resolver.lexFile(file).map(e -> List.copyOf(e.exports()))).contains(List.of("before"));
        Files.writeString(file, "exports.afterChange = 1; // longer");
        assertThat(resolver.lexFile(file).map(e -> List.copyOf(e.exports()))).contains(List.of("afterChange"));
    }
}
