package dev.prebundled.cjs;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the real npm packages the tests run against, failing loudly when they are not installed. */
final class TestPackages {

    private TestPackages() {
    }

    static Path projectDir() {
        return Paths.get(System.getProperty("prebundled.projectDir", ".")).toAbsolutePath().normalize();
    }

    static Path nodeModules() {
        Path dir = projectDir().resolve("src/test/npm/node_modules");
        if (!Files.isDirectory(dir.resolve("cjs-module-lexer"))) {
            fail("The test npm packages are missing (" + dir + "): run scripts/setup first");
        }
        return dir;
    }
}
