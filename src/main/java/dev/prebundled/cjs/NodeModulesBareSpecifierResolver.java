package dev.prebundled.cjs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The simple default {@link BareSpecifierResolver}: walks up from the requiring file's directory
 * looking for {@code node_modules/<name>} and loads it the legacy CommonJS way ({@code main}, then
 * {@code index.js}; a subpath as a file or directory). It deliberately ignores {@code exports}
 * maps and {@code node:} builtins (reported as unknown); plug in the project's full resolver
 * where those matter.
 */
public final class NodeModulesBareSpecifierResolver implements BareSpecifierResolver {

    @Override
    public Optional<Path> resolve(String specifier, Path importingFile) {
        if (specifier.isEmpty() || specifier.startsWith("node:") || CommonJsFiles.isPathSpecifier(specifier)) {
            return Optional.empty();
        }
        String packageName = packageName(specifier);
        if (packageName == null) {
            return Optional.empty();
        }
        String subpath = specifier.substring(packageName.length());
        for (Path dir = importingFile.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
            if (dir.getFileName() != null && dir.getFileName().toString().equals("node_modules")) {
                continue; // Node never looks for node_modules/node_modules
            }
            Path packageDir = dir.resolve("node_modules").resolve(packageName);
            if (!Files.isDirectory(packageDir)) {
                continue;
            }
            return subpath.isEmpty() || subpath.equals("/")
                    ? CommonJsFiles.loadAsDirectory(packageDir)
                    : CommonJsFiles.loadAsFileOrDirectory(packageDir.resolve(subpath.substring(1)).normalize());
        }
        return Optional.empty();
    }

    /** {@code name} or {@code @scope/name}, or null when the specifier is not a package name. */
    private static String packageName(String specifier) {
        int slash = specifier.indexOf('/');
        if (specifier.startsWith("@")) {
            if (slash < 0) {
                return null;
            }
            int second = specifier.indexOf('/', slash + 1);
            return second < 0 ? specifier : specifier.substring(0, second);
        }
        return slash < 0 ? specifier : specifier.substring(0, slash);
    }
}
