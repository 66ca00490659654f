package dev.prebundled.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prebundled.testing.TestPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prebundled bundle} run in-process against the real esbuild binary: a person reads its
 * summary, and every kind of bad input gives a clear error with package, file and line where
 * known, a non-zero exit code, and an output directory that was never created.
 */
class BundleCommandTest {
  @TempDir Path temp;

  private record Run(int exitCode, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path write(String relative, String content) throws IOException {
    Path file = temp.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  @Test
  void bundlesAnInstalledPackageAndPrintsASummary() {
    Path out = temp.resolve("out");
    Run run = run("bundle", TestPaths.testPackages().resolve("react-dom").toString(), "--entry", "./client", "--entry", ".", "--out", out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("react-dom@").contains("./client -> ").contains("(commonjs, ").contains("imports kept bare: react, scheduler");
    assertThat(out).isDirectoryContaining(p -> p.getFileName().toString().startsWith("client-") && p.toString().endsWith(".js"));
  }

  @Test
  void aMissingPackageDirIsRefused() {
    Path out = temp.resolve("out");
    Run run = run("bundle", temp.resolve("no-such-package").toString(), "--out", out.toString());

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("INVALID_PACKAGE").contains("no-such-package").contains("nothing was written");
    assertThat(out).doesNotExist();
  }

  @Test
  void aBrokenPackageJsonNamesItsFileAndLine() throws IOException {
    Path dir = write("broken/package.json", "{\n  \"name\": \"broken\",\n  \"version\": \"1.0.0\",,\n}\n").getParent();
    Path out = temp.resolve("out");
    Run run = run("bundle", dir.toString(), "--out", out.toString());

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("INVALID_PACKAGE").contains(dir.resolve("package.json") + ":3");
    assertThat(out).doesNotExist();
  }

  @Test
  void aSyntaxErrorInADependencyFileNamesPackageFileAndLine() throws IOException {
    Path dir = write("pkg/package.json", "{\"name\":\"pkg\",\"version\":\"1.2.3\",\"main\":\"index.js\"}").getParent();
    write("pkg/index.js", "module.exports = require('./lib/util.js');\n");
    write("pkg/lib/util.js", "exports.ok = 1;\nexports.broken = function( {;\n");
    Path out = temp.resolve("out");
    Run run = run("bundle", dir.toString(), "--out", out.toString());

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err())
        .contains("BUILD_FAILED")
        .contains("package: pkg")
        .contains(dir.resolve("lib/util.js").toRealPath() + ":2:")
        .contains("exports.broken = function( {;");
    assertThat(out).doesNotExist();
  }

  @Test
  void anUnexportedSubpathIsModuleNotFoundNamingPackageAndSubpath() {
    Path out = temp.resolve("out");
    Run run = run("bundle", TestPaths.testPackages().resolve("react").toString(), "--entry", "./internal/nope", "--out", out.toString());

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("MODULE_NOT_FOUND").contains("'react'").contains("./internal/nope").contains("package: react");
    assertThat(out).doesNotExist();
  }

  @Test
  void anExistingOutputDirIsLeftAsItWasWhenTheBuildFails() throws IOException {
    Path out = temp.resolve("out");
    Path keep = write("out/keep.txt", "mine");
    Run run = run("bundle", TestPaths.testPackages().resolve("react").toString(), "--entry", "./nope", "--out", out.toString());

    assertThat(run.exitCode()).isNotZero();
    assertThat(out).isDirectoryContaining(p -> p.equals(keep)).satisfies(d -> assertThat(Files.list(d).count()).isEqualTo(1));
  }
}
