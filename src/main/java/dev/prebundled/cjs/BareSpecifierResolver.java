package dev.prebundled.cjs;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the CommonJS file a bare specifier ({@code require('pkg')}, {@code require('pkg/sub')})
 * loads when required from a given file, for following re-exports into other packages. This seam
 * exists so the project's full Node resolver ({@code dev.prebundled.resolve}, with
 * {@code exports} conditions) can be plugged in; {@link NodeModulesBareSpecifierResolver} is the
 * simple default. An empty result means "unknown": the re-export is reported, not followed.
 */
@FunctionalInterface
public interface BareSpecifierResolver {

    /**
     * @param specifier     the specifier exactly as written in {@code require()}
     * @param importingFile the file that contains the {@code require()}
     * @return the file Node would load, or empty when it cannot be determined
     */
    Optional<Path> resolve(String specifier, Path importingFile);
}
