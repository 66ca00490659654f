package dev.prebundled.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BuiltinsAndOptionsTest {

  @Test
  void recognisesBuiltinsWithAndWithoutPrefix() {
    assertThat(List.of("fs", "path", "events", "buffer", "util", "stream", "stream/promises", "node:fs", "node:test", "node:stream/web"))
        .allMatch(NodeBuiltins::isBuiltin);
    assertThat(List.of("test", "react", "fs/x", "node:react", "node:", "", "sqlite")).noneMatch(NodeBuiltins::isBuiltin);
    assertThat(NodeBuiltins.isBuiltin(null)).isFalse();
    assertThat(NodeBuiltins.hasNodePrefix("node:fs")).isTrue();
    assertThat(NodeBuiltins.hasNodePrefix("fs")).isFalse();
    assertThat(NodeBuiltins.names()).contains("crypto", "zlib").doesNotContain("node:fs");
  }

  @Test
  void viteClientDefaultsFollowTheMode() {
    ResolutionOptions dev = ResolutionOptions.viteClient(false);
    assertThat(dev.conditions()).containsExactly("module", "browser", "development|production");
    assertThat(dev.mainFields()).containsExactly("browser", "module", "jsnext:main", "jsnext");
    assertThat(dev.conditionSet()).containsExactlyInAnyOrder("module", "browser", "development", "import", "default");
    assertThat(ResolutionOptions.viteClient(true).conditionSet())
        .containsExactlyInAnyOrder("module", "browser", "production", "import", "default");
    ResolutionOptions require = new ResolutionOptions(List.of("node"), List.of(), List.of(".js"), false, true);
    assertThat(require.conditionSet()).containsExactlyInAnyOrder("node", "require", "default");
    assertThat(require.usesBrowserField()).isFalse();
    assertThat(dev.usesBrowserField()).isTrue();
  }
}
