package dev.prebundled.esbuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.testing.TestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EsbuildBinaryTest {
  @TempDir Path dir;

  /** A real esbuild binary of another version, installed by scripts/setup for this test. */
  private static Path otherVersionBinary() {
    Path binary = TestPaths.testPackages().resolve("esbuild-linux-x64-0.27/bin/esbuild");
    assertThat(binary).as("esbuild 0.27.3 from src/test/npm (run scripts/setup)").isExecutable();
    return binary;
  }

  @Test
  void findsTheToolsBinaryAndChecksItsVersion() {
    EsbuildBinary binary = EsbuildFixtures.binary();
    assertThat(binary.version()).isEqualTo(EsbuildBinary.SUPPORTED_VERSION);
    assertThat(binary.path()).isExecutable();
  }

  @Test
  void projectNodeModulesComeBeforeTheToolsFolder() throws Exception {
    Path project = dir.resolve("project");
    Path packaged = EsbuildBinary.packagedBinary(project);
    Files.createDirectories(packaged.getParent());
    Files.copy(EsbuildFixtures.binary().path(), packaged, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    EsbuildBinary found = EsbuildBinary.locate(new EsbuildBinary.Lookup(Optional.empty(), Optional.empty(), Optional.of(project), dir.resolve("no-tools")));
    assertThat(found.path()).isEqualTo(packaged.toAbsolutePath());
  }

  @Test
  void noBinaryAnywhereNamesEveryPlaceTriedAndTheFix() {
    Path project = dir.resolve("project");
    Path tools = dir.resolve("tools");
    assertThatThrownBy(() -> EsbuildBinary.locate(new EsbuildBinary.Lookup(Optional.empty(), Optional.empty(), Optional.of(project), tools)))
        .isInstanceOfSatisfying(EsbuildException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ESBUILD_UNAVAILABLE))
        .hasMessageContaining("configured path: not set")
        .hasMessageContaining(EsbuildBinary.ENV_VARIABLE + ": not set")
        .hasMessageContaining(EsbuildBinary.packagedBinary(project) + ": not found")
        .hasMessageContaining(EsbuildBinary.packagedBinary(tools) + ": not found")
        .hasMessageContaining("scripts/setup");
  }

  @Test
  void aConfiguredPathThatDoesNotExistIsAnErrorNotAFallback() {
    Path missing = dir.resolve("nope/esbuild");
    assertThatThrownBy(() -> EsbuildBinary.locate(new EsbuildBinary.Lookup(Optional.of(missing), Optional.empty(), Optional.empty(), dir)))
        .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> EsbuildBinary.locate(new EsbuildBinary.Lookup(Optional.empty(), Optional.of(missing.toString()), Optional.empty(), dir)))
        .hasMessageContaining(EsbuildBinary.ENV_VARIABLE).hasMessageContaining(missing.toString());
  }

  @Test
  void anotherVersionIsRefusedNamingBothVersions() {
    Path other = otherVersionBinary();
    assertThatThrownBy(() -> EsbuildBinary.verify(other))
        .isInstanceOf(EsbuildException.class)
        .hasMessageContaining("is version 0.27.3")
        .hasMessageContaining("supports esbuild " + EsbuildBinary.SUPPORTED_VERSION);
  }

  @Test
  void theServiceItselfRefusesAMismatchedHostVersion() {
    // Bypass our own check to see the binary's: it must surface, not hang or crash the JVM.
    EsbuildBinary unchecked = new EsbuildBinary(otherVersionBinary(), EsbuildBinary.SUPPORTED_VERSION);
    assertThatThrownBy(() -> EsbuildService.start(unchecked))
        .isInstanceOfSatisfying(EsbuildException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ESBUILD_UNAVAILABLE))
        .hasMessageContaining("Host version \"0.28.2\" does not match binary version \"0.27.3\"");
  }
}
