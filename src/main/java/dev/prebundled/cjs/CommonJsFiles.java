package dev.prebundled.cjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Node's legacy CommonJS file lookup ({@code LOAD_AS_FILE} then {@code LOAD_AS_DIRECTORY} of the
 * Node docs' require() algorithm): the exact file, then the {@code require.extensions} suffixes
 * {@code .js}, {@code .json}, {@code .node} (Node does not probe {@code .cjs}), then a directory's
 * {@code package.json} {@code main} and its {@code index} files. Results are real paths, as Node
 * resolves symlinks before caching modules.
 */
final class CommonJsFiles {

    private static final List<String> EXTENSIONS = List.of(".js", ".json", ".node");
    private static final ObjectMapper JSON = new ObjectMapper();

    private CommonJsFiles() {
    }

    /** Resolves a relative ({@code ./}, {@code ../}) or absolute specifier against the requiring file. */
    static Optional<Path> resolvePathSpecifier(String specifier, Path importingFile) {
        Path dir = importingFile.toAbsolutePath().getParent();
        Path base = dir.resolve(specifier).normalize();
        boolean directoryOnly = specifier.endsWith("/") || specifier.equals(".") || specifier.equals("..")
                || specifier.endsWith("/.") || specifier.endsWith("/..");
        return directoryOnly ? loadAsDirectory(base) : loadAsFileOrDirectory(base);
    }

    static boolean isPathSpecifier(String specifier) {
        return specifier.startsWith("./") || specifier.startsWith("../") || specifier.equals(".")
                || specifier.equals("..") || specifier.startsWith("/");
    }

    static Optional<Path> loadAsFileOrDirectory(Path base) {
        return loadAsFile(base).or(() -> loadAsDirectory(base));
    }

    private static Optional<Path> loadAsFile(Path base) {
        if (Files.isRegularFile(base)) {
            return real(base);
        }
        String name = base.getFileName() == null ? "" : base.getFileName().toString();
        for (String extension : EXTENSIONS) {
            Path candidate = base.resolveSibling(name + extension);
            if (Files.isRegularFile(candidate)) {
                return real(candidate);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> loadIndex(Path dir) {
        for (String extension : EXTENSIONS) {
            Path candidate = dir.resolve("index" + extension);
            if (Files.isRegularFile(candidate)) {
                return real(candidate);
            }
        }
        return Optional.empty();
    }

    static Optional<Path> loadAsDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Optional<String> main = packageMain(dir.resolve("package.json"));
        if (main.isPresent()) {
            Path target = dir.resolve(main.get()).normalize();
            Optional<Path> found = loadAsFile(target).or(() -> Files.isDirectory(target) ? loadIndex(target) : Optional.empty());
            if (found.isPresent()) {
                return found;
            }
            // Node falls back to index.js when "main" points nowhere (deprecated, DEP0128, but still done).
        }
        return loadIndex(dir);
    }

    private static Optional<String> packageMain(Path packageJson) {
        if (!Files.isRegularFile(packageJson)) {
            return Optional.empty();
        }
        try {
            JsonNode main = JSON.readTree(packageJson.toFile()).get("main");
            return main != null && main.isTextual() && !main.asText().isEmpty() ? Optional.of(main.asText()) : Optional.empty();
        } catch (IOException e) {
            // Node throws on an unparseable package.json; for export detection that is "not found".
            return Optional.empty();
        }
    }

    private static Optional<Path> real(Path file) {
        try {
            return Optional.of(file.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
