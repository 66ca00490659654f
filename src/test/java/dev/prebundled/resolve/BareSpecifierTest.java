package dev.prebundled.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prebundled.error.ErrorCode;
import dev.prebundled.error.PrebundledException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BareSpecifierTest {

  @Test
  void splitsNameAndSubpath() {
    assertThat(BareSpecifier.parse("react")).isEqualTo(new BareSpecifier("react", "."));
    assertThat(BareSpecifier.parse("react-dom/client")).isEqualTo(new BareSpecifier("react-dom", "./client"));
    assertThat(BareSpecifier.parse("@scope/name")).isEqualTo(new BareSpecifier("@scope/name", "."));
    assertThat(BareSpecifier.parse("@scope/name/sub/path"))
        .isEqualTo(new BareSpecifier("@scope/name", "./sub/path"));
    assertThat(BareSpecifier.parse("dayjs/plugin/relativeTime.js"))
        .isEqualTo(new BareSpecifier("dayjs", "./plugin/relativeTime.js"));
    assertThat(BareSpecifier.parse("lodash.debounce").packageName()).isEqualTo("lodash.debounce");
    // es5-ext really has directories named '#'.
    assertThat(BareSpecifier.parse("es5-ext/array/#/clear").subpath()).isEqualTo("./array/#/clear");
    assertThat(BareSpecifier.parse("JSONStream").packageName()).isEqualTo("JSONStream");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", " ", "./x", "../x", ".", "/abs/path", "\\x", "node:fs", "https://esm.sh/react",
        "file:///x", "C:\\x", "C:/x", "#internal", "@scope", "@/x", "@scope/", "@scope//x",
        "pkg/../x", "pkg/..", "pkg//x", "pkg/./x", "pkg/", ".hidden", "_private", "a b", "pkg\\x",
        "pkg/x?raw", "pk\u0000g", "@sc ope/x", "é"
      })
  void rejectsWhatIsNotABarePackageSpecifier(String specifier) {
    assertThatThrownBy(() -> BareSpecifier.parse(specifier))
        .isInstanceOf(PrebundledException.class)
        .satisfies(e -> assertThat(((PrebundledException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessageContaining("Invalid bare specifier");
  }

  @Test
  void rejectsNullAndOverlongNames() {
    assertThatThrownBy(() -> BareSpecifier.parse(null)).isInstanceOf(PrebundledException.class);
    assertThatThrownBy(() -> BareSpecifier.parse("a".repeat(215))).hasMessageContaining("214");
    assertThat(BareSpecifier.parse("a".repeat(214)).packageName()).hasSize(214);
  }

  @Test
  void isBareSeparatesPackagesFromPathsAndIds() {
    assertThat(List.of("react", "@a/b/c", "events")).allMatch(BareSpecifier::isBare);
    assertThat(List.of("./a", "/a", "#a", "node:fs", "", "https://x")).noneMatch(BareSpecifier::isBare);
  }

  @Property
  void roundTripsGeneratedSpecifiers(@ForAll("specifiers") String specifier) {
    BareSpecifier parsed = BareSpecifier.parse(specifier);
    assertThat(parsed.specifier()).isEqualTo(specifier);
    assertThat(specifier).startsWith(parsed.packageName());
    assertThat(parsed.subpath()).satisfiesAnyOf(s -> assertThat(s).isEqualTo("."), s -> assertThat(s).startsWith("./"));
  }

  @Property
  void everyDotDotSegmentIsRejected(@ForAll("specifiers") String specifier, @ForAll("dotSegments") String bad) {
    String withBad = specifier + "/" + bad + "/x";
    assertThatThrownBy(() -> BareSpecifier.parse(withBad))
        .isInstanceOf(PrebundledException.class)
        .hasMessageContaining("segment");
  }

  @Provide
  Arbitrary<String> dotSegments() {
    return Arbitraries.of("..", ".", "");
  }

  @Provide
  Arbitrary<String> specifiers() {
    Arbitrary<String> part =
        Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(1),
                Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("-._~").ofMaxLength(12))
            .as(String::concat);
    Arbitrary<String> name =
        Arbitraries.oneOf(part, Combinators.combine(part, part).as((s, n) -> "@" + s + "/" + n));
    Arbitrary<String> subpath =
        part.list().ofMaxSize(4).map(segments -> segments.isEmpty() ? "" : "/" + String.join("/", segments));
    return Combinators.combine(name, subpath).as(String::concat);
  }
}
