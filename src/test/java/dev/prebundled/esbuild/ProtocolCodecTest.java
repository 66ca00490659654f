package dev.prebundled.esbuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prebundled.esbuild.ProtocolCodec.MalformedPacketException;
import dev.prebundled.esbuild.ProtocolCodec.Packet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;
import net.jqwik.api.constraints.IntRange;

class ProtocolCodecTest {

  @Property(tries = 500)
  void everyValueSurvivesARoundTrip(@ForAll("values") Object value) {
    Object decoded = ProtocolCodec.decodeValue(ProtocolCodec.encodeValue(value));
    assertDeepEquals(decoded, value);
  }

  @Property(tries = 200)
  void packetsKeepTheirIdAndDirection(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int id, @ForAll boolean response, @ForAll("values") Object value) {
    byte[] framed = ProtocolCodec.encodePacket(new Packet(id, response, value));
    int length = ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN).getInt();
    assertThat(length).isEqualTo(framed.length - 4);
    Packet decoded = ProtocolCodec.decodePacket(Arrays.copyOfRange(framed, 4, framed.length));
    assertThat(decoded.id()).isEqualTo(id);
    assertThat(decoded.isResponse()).isEqualTo(response);
    assertDeepEquals(decoded.value(), value);
  }

  @Property(tries = 200)
  void everyTruncationIsRejected(@ForAll("values") Object value, @ForAll @IntRange(min = 0, max = 10_000) int cut) {
    byte[] bytes = ProtocolCodec.encodeValue(value);
    int length = cut % bytes.length; // strictly shorter than the whole
    assertThatThrownBy(() -> ProtocolCodec.decodeValue(Arrays.copyOf(bytes, length)))
        .isInstanceOf(MalformedPacketException.class);
  }

  @Property(tries = 100)
  void trailingBytesAreRejected(@ForAll("values") Object value, @ForAll byte extra) {
    byte[] bytes = ProtocolCodec.encodeValue(value);
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    longer[bytes.length] = extra;
    assertThatThrownBy(() -> ProtocolCodec.decodeValue(longer)).isInstanceOf(MalformedPacketException.class);
  }

  @Example
  void encodesEachTagAsEsbuildDoes() {
    assertThat(ProtocolCodec.encodeValue(null)).containsExactly(0);
    assertThat(ProtocolCodec.encodeValue(true)).containsExactly(1, 1);
    assertThat(ProtocolCodec.encodeValue(7)).containsExactly(2, 7, 0, 0, 0);
    assertThat(ProtocolCodec.encodeValue(-1)).containsExactly(2, 0xFF, 0xFF, 0xFF, 0xFF);
    assertThat(ProtocolCodec.encodeValue("é")).containsExactly(3, 2, 0, 0, 0, 0xC3, 0xA9);
    assertThat(ProtocolCodec.encodeValue(new byte[] {9})).containsExactly(4, 1, 0, 0, 0, 9);
    assertThat(ProtocolCodec.encodeValue(List.of())).containsExactly(5, 0, 0, 0, 0);
    assertThat(ProtocolCodec.encodeValue(Map.of("a", 0))).containsExactly(6, 1, 0, 0, 0, 1, 0, 0, 0, 'a', 2, 0, 0, 0, 0);
  }

  @Example
  void readsIntsAsUnsigned() {
    byte[] big = {2, 0, 0, 0, (byte) 0x80};
    assertThat(ProtocolCodec.decodeValue(big)).isEqualTo(0x8000_0000L);
    assertThat(ProtocolCodec.decodeValue(new byte[] {2, -1, -1, -1, -1})).isEqualTo(-1);
  }

  @Example
  void largeValuesRoundTrip() {
    byte[] payload = new byte[3 << 20];
    Arrays.fill(payload, (byte) 'x');
    String text = "🚀".repeat(100_000);
    Object decoded = ProtocolCodec.decodeValue(ProtocolCodec.encodeValue(List.of(payload, text)));
    assertThat((byte[]) ((List<?>) decoded).get(0)).isEqualTo(payload);
    assertThat(((List<?>) decoded).get(1)).isEqualTo(text);
  }

  @Example
  void rejectsMalformedInput() {
    assertThatThrownBy(() -> ProtocolCodec.decodeValue(new byte[] {7})).hasMessageContaining("unknown tag 7");
    assertThatThrownBy(() -> ProtocolCodec.decodeValue(new byte[] {3, 2, 0, 0, 0, (byte) 0xC3, 0x28}))
        .hasMessageContaining("not valid UTF-8");
    // an array that claims more elements than there are bytes must not allocate them
    assertThatThrownBy(() -> ProtocolCodec.decodeValue(new byte[] {5, -1, -1, -1, 0x7F}))
        .isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> ProtocolCodec.decodeValue(new byte[0])).isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> ProtocolCodec.encodeValue(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProtocolCodec.encodeValue(-2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProtocolCodec.encodeValue("\uD83D")).hasMessageContaining("UTF-8");
  }

  @Provide
  Arbitrary<Object> values() {
    Arbitrary<Object> leaves =
        Arbitraries.oneOf(
            Arbitraries.just(null),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.integers().between(-1, Integer.MAX_VALUE).map(i -> (Object) i),
            Arbitraries.longs().between((long) Integer.MAX_VALUE + 1, 0xFFFF_FFFEL).map(l -> (Object) l),
            unicodeStrings().map(s -> (Object) s),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(b -> (Object) b));
    return Arbitraries.recursive(
        () -> leaves,
        inner -> Arbitraries.oneOf(
            inner.list().ofMaxSize(4).map(l -> (Object) l),
            Arbitraries.maps(Arbitraries.strings().ofMaxLength(8), inner).ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m))),
        0, 3);
  }

  /** Strings of whole code points, astral ones included (a lone surrogate is not valid UTF-8). */
  private static Arbitrary<String> unicodeStrings() {
    Arbitrary<Integer> codePoints =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 0x7F)),
            net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0x80, 0xD7FF)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
    return codePoints.list().ofMaxSize(30).map(cps -> {
      StringBuilder text = new StringBuilder();
      cps.forEach(text::appendCodePoint);
      return text.toString();
    });
  }

  private static void assertDeepEquals(Object actual, Object expected) {
    if (expected instanceof byte[] bytes) {
      assertThat((byte[]) actual).isEqualTo(bytes);
    } else if (expected instanceof List<?> list) {
      assertThat(actual).isInstanceOf(List.class);
      List<?> got = (List<?>) actual;
      assertThat(got).hasSameSizeAs(list);
      for (int i = 0; i < list.size(); i++) assertDeepEquals(got.get(i), list.get(i));
    } else if (expected instanceof Map<?, ?> map) {
      assertThat(actual).isInstanceOf(Map.class);
      Map<?, ?> got = (Map<?, ?>) actual;
      assertThat(got.keySet()).isEqualTo(map.keySet());
      map.forEach((k, v) -> assertDeepEquals(got.get(k), v));
    } else {
      assertThat(actual).isEqualTo(expected);
    }
  }
}
