package dev.prebundled.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConditionalExportsTest {
  private static final Path PJ = Path.of("/x/node_modules/p/package.json");
  private static final Set<String> BROWSER_DEV = Set.of("browser", "development", "import", "default");
  private final ObjectMapper mapper = new ObjectMapper();

  private JsonNode json(String text) {
    try {
      return mapper.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private Optional<String> exports(String exports, String subpath, Set<String> conditions) {
    return ConditionalExports.resolveExports(json(exports), subpath, conditions, PJ);
  }

  @Test
  void sugarFormsDescribeOnlyTheMainEntry() {
    assertThat(exports("'./main.js'", ".", BROWSER_DEV)).contains("./main.js");
    assertThat(exports("'./main.js'", "./main.js", BROWSER_DEV)).isEmpty();
    assertThat(exports("{'import': './esm.js', 'default': './cjs.js'}", ".", BROWSER_DEV)).contains("./esm.js");
    assertThat(exports("{'require': './cjs.js'}", ".", BROWSER_DEV)).isEmpty();
    assertThat(exports("['./a.js']", ".", BROWSER_DEV)).contains("./a.js");
    assertThat(exports("{}", ".", BROWSER_DEV)).isEmpty();
    assertThat(exports("true", ".", BROWSER_DEV)).isEmpty();
  }

  @Test
  void packageKeyOrderDecidesNotConditionOrder() {
    String e = "{'.': {'node': './node.js', 'browser': {'production': './p.js', 'development': './d.js'}, 'default': './x.js'}}";
    assertThat(exports(e, ".", BROWSER_DEV)).contains("./d.js");
    assertThat(exports(e, ".", Set.of("browser", "production", "node"))).contains("./node.js");
    assertThat(exports(e, ".", Set.of("import"))).contains("./x.js");
    // A matching condition whose nested object matches nothing falls through to the next key.
    assertThat(exports(e, ".", Set.of("browser"))).contains("./x.js");
  }

  @Test
  void patternsPickTheMostSpecificKey() {
    String e =
        "{'./*': './lib/*.js', './features/*.js': './src/features/*.js', './features/private/*': null,"
            + " './features/x/*.js': './fx/*.js', './a/*/b/*': './never.js'}";
    assertThat(exports(e, "./features/a.js", BROWSER_DEV)).contains("./src/features/a.js");
    assertThat(exports(e, "./features/deep/a.js", BROWSER_DEV)).contains("./src/features/deep/a.js");
    assertThat(exports(e, "./features/x/y.js", BROWSER_DEV)).contains("./fx/y.js");
    assertThat(exports(e, "./features/private/k.js", BROWSER_DEV)).isEmpty();
    assertThat(exports(e, "./utils", BROWSER_DEV)).contains("./lib/utils.js");
    // "./features/a.mjs" does not end with the trailer ".js": falls back to "./*".
    assertThat(exports(e, "./features/a.mjs", BROWSER_DEV)).contains("./lib/features/a.mjs.js");
    // Keys with two stars are not patterns.
    assertThat(exports("{'./a/*/b/*': './x.js'}", "./a/1/b/2", BROWSER_DEV)).isEmpty();
  }

  @Test
  void exactKeysBeatPatternsAndStarsRepeatInTargets() {
    String e = "{'./x/*': './p/*/*.js', './x/special': './special.js'}";
    assertThat(exports(e, "./x/special", BROWSER_DEV)).contains("./special.js");
    assertThat(exports(e, "./x/y", BROWSER_DEV)).contains("./p/y/y.js");
    // An empty match is no match ("./x/" equals the pattern base).
    assertThat(exports("{'./x/*': './p/*.js'}", "./x/", BROWSER_DEV)).isEmpty();
  }

  @Test
  void nullTargetsExcludeAndArraysFallBack() {
    assertThat(exports("{'.': './i.js', './internal': null}", "./internal", BROWSER_DEV)).isEmpty();
    assertThat(exports("{'.': ['not-relative', './second.js']}", ".", BROWSER_DEV)).contains("./second.js");
    assertThat(exports("{'.': [{'worker': './w.js'}, './second.js']}", ".", BROWSER_DEV)).contains("./second.js");
    assertThat(exports("{'.': [null, './second.js']}", ".", BROWSER_DEV)).contains("./second.js");
    assertThat(exports("{'.': []}", ".", BROWSER_DEV)).isEmpty();
    assertThatThrownBy(() -> exports("{'.': ['not-relative']}", ".", BROWSER_DEV))
        .hasMessageContaining("not-relative");
  }

  @Test
  void invalidConfigurationIsAnInvalidPackage() {
    assertInvalid("{'.': './a.js', 'import': './b.js'}", ".", "cannot be mixed");
    assertInvalid("{'.': {'0': './a.js'}}", ".", "numbers");
    assertInvalid("{'.': '../outside.js'}", ".", "must start with");
    assertInvalid("{'.': './a/../../outside.js'}", ".", "..");
    assertInvalid("{'.': './node_modules/x/a.js'}", ".", "node_modules");
    assertInvalid("{'.': './%2e%2e/a.js'}", ".", "..");
    assertInvalid("{'.': 'https://cdn/x.js'}", ".", "must start with");
    assertInvalid("{'.': 42}", ".", "expected a string");
  }

  @Test
  void patternMatchMayNotEscapeThePackage() {
    assertThatThrownBy(() -> exports("{'./*': './lib/*'}", "./node_modules/x", BROWSER_DEV))
        .isInstanceOf(PrebundledException.class)
        .hasMessageContaining("Invalid subpath");
  }

  @Test
  void importsMayTargetOtherPackagesAndUsePatterns() {
    JsonNode imports =
        json("{'#dep': {'browser': './dep-browser.js', 'default': './dep.js'}, '#ext': 'other-pkg/sub',"
            + " '#int/*': './src/int/*.js', '#bad': '../x.js'}");
    assertThat(ConditionalExports.resolveImports(imports, "#dep", BROWSER_DEV, PJ)).contains("./dep-browser.js");
    assertThat(ConditionalExports.resolveImports(imports, "#dep", Set.of("node"), PJ)).contains("./dep.js");
    assertThat(ConditionalExports.resolveImports(imports, "#ext", BROWSER_DEV, PJ)).contains("other-pkg/sub");
    assertThat(ConditionalExports.resolveImports(imports, "#int/a/b", BROWSER_DEV, PJ)).contains("./src/int/a/b.js");
    assertThat(ConditionalExports.resolveImports(imports, "#nope", BROWSER_DEV, PJ)).isEmpty();
    assertThatThrownBy(() -> ConditionalExports.resolveImports(imports, "#bad", BROWSER_DEV, PJ))
        .hasMessageContaining("../x.js");
    assertThatThrownBy(() -> ConditionalExports.resolveImports(imports, "#", BROWSER_DEV, PJ))
        .isInstanceOf(PrebundledException.class);
    assertThatThrownBy(() -> ConditionalExports.resolveImports(imports, "#/x", BROWSER_DEV, PJ))
        .isInstanceOf(PrebundledException.class);
    // "exports" may never point at another package.
    assertInvalid("{'.': 'other-pkg'}", ".", "must start with");
  }

  private void assertInvalid(String exports, String subpath, String messagePart) {
    assertThatThrownBy(() -> exports(exports, subpath, BROWSER_DEV))
        .isInstanceOf(PrebundledException.class)
        .satisfies(e -> assertThat(((PrebundledException) e).code()).isEqualTo(ErrorCode.INVALID_PACKAGE))
        .hasMessageContaining(messagePart)
        .hasMessageContaining(PJ.toString());
  }
}
