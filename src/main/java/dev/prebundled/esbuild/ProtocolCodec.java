package dev.prebundled.esbuild;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes and decodes the values and packets of esbuild's stdio service protocol.
 *
 * <p>A value is a tag byte and a payload: null, bool, uint32 int, UTF-8 string, raw bytes, array
 * or string-keyed map. In Java they are {@code null}, {@link Boolean}, {@link Integer} (or {@link
 * Long} above {@code Integer.MAX_VALUE}; {@code 0xFFFFFFFF} reads as -1, esbuild's "none"), {@link
 * String}, {@code byte[]}, {@link List} and {@link Map}. A packet body is a uint32 word {@code (id
 * << 1) | isResponse} followed by exactly one value; on the pipe each body is preceded by its
 * uint32 length. All integers are little-endian. Decoding is strict: anything truncated, trailing,
 * of an unknown tag or not valid UTF-8 is rejected, since a misread packet would pair a response
 * with the wrong request.
 */
public final class ProtocolCodec {
  static final int TAG_NULL = 0;
  static final int TAG_BOOL = 1;
  static final int TAG_INT = 2;
  static final int TAG_STRING = 3;
  static final int TAG_BYTES = 4;
  static final int TAG_ARRAY = 5;
  static final int TAG_MAP = 6;

  private static final long NONE = 0xFFFF_FFFFL;

  private ProtocolCodec() {}

  /** One decoded packet body. */
  public record Packet(int id, boolean isResponse, Object value) {}

  /** Encodes a packet with its length prefix, ready to write to esbuild's stdin. */
  public static byte[] encodePacket(Packet packet) {
    Writer out = new Writer();
    out.uint32(0); // length, patched below
    out.uint32(((long) packet.id() << 1 | (packet.isResponse() ? 1 : 0)) & NONE);
    out.value(packet.value());
    byte[] bytes = out.toByteArray();
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, bytes.length - 4);
    return bytes;
  }

  /** Decodes one packet body (without its length prefix). */
  public static Packet decodePacket(byte[] body) {
    Reader in = new Reader(body);
    long word = in.uint32();
    Object value = in.value();
    if (in.buffer.hasRemaining()) {
      throw new MalformedPacketException(in.buffer.remaining() + " trailing bytes after the packet value");
    }
    return new Packet((int) (word >>> 1), (word & 1) == 1, value);
  }

  /** Encodes a single value (no packet header); exposed for tests and for sizing. */
  public static byte[] encodeValue(Object value) {
    Writer out = new Writer();
    out.value(value);
    return out.toByteArray();
  }

  /** Decodes a single value that must span the whole array. */
  public static Object decodeValue(byte[] bytes) {
    Reader in = new Reader(bytes);
    Object value = in.value();
    if (in.buffer.hasRemaining()) {
      throw new MalformedPacketException(in.buffer.remaining() + " trailing bytes after the value");
    }
    return value;
  }

  /** Thrown when bytes from esbuild do not form a valid packet. */
  public static final class MalformedPacketException extends RuntimeException {
    public MalformedPacketException(String message) {
      super("malformed esbuild packet: " + message);
    }
  }

  private static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    void uint32(long v) {
      out.write((int) v & 0xFF);
      out.write((int) (v >>> 8) & 0xFF);
      out.write((int) (v >>> 16) & 0xFF);
      out.write((int) (v >>> 24) & 0xFF);
    }

    void lengthPrefixed(byte[] bytes) {
      uint32(bytes.length);
      out.writeBytes(bytes);
    }

    void value(Object value) {
      if (value == null) {
        out.write(TAG_NULL);
      } else if (value instanceof Boolean b) {
        out.write(TAG_BOOL);
        out.write(b ? 1 : 0);
      } else if (value instanceof Integer || value instanceof Long) {
        long v = ((Number) value).longValue();
        if (v < -1 || v > NONE - 1) {
          throw new IllegalArgumentException("int out of the protocol's uint32 range: " + v);
        }
        out.write(TAG_INT);
        uint32(v == -1 ? NONE : v);
      } else if (value instanceof String s) {
        out.write(TAG_STRING);
        lengthPrefixed(utf8(s));
      } else if (value instanceof byte[] bytes) {
        out.write(TAG_BYTES);
        lengthPrefixed(bytes);
      } else if (value instanceof List<?> list) {
        out.write(TAG_ARRAY);
        uint32(list.size());
        list.forEach(this::value);
      } else if (value instanceof Map<?, ?> map) {
        out.write(TAG_MAP);
        uint32(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
          if (!(e.getKey() instanceof String key)) {
            throw new IllegalArgumentException("map keys must be strings, got " + e.getKey());
          }
          lengthPrefixed(utf8(key));
          value(e.getValue());
        }
      } else {
        throw new IllegalArgumentException("no protocol encoding for " + value.getClass().getName());
      }
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }

    /** Strict: a lone surrogate would otherwise be sent as '?', silently changing a path. */
    private static byte[] utf8(String s) {
      try {
        ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .encode(CharBuffer.wrap(s));
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        return array;
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("string is not encodable as UTF-8 (lone surrogate?): " + s.length() + " chars");
      }
    }
  }

  private static final class Reader {
    private final ByteBuffer buffer;
    private final CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    Reader(byte[] bytes) {
      this.buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void need(long n, String what) {
      if (buffer.remaining() < n) {
        throw new MalformedPacketException(
            "truncated " + what + ": need " + n + " bytes, have " + buffer.remaining());
      }
    }

    long uint32() {
      need(4, "uint32");
      return buffer.getInt() & NONE;
    }

    byte[] lengthPrefixed(String what) {
      long length = uint32();
      need(length, what);
      byte[] bytes = new byte[(int) length];
      buffer.get(bytes);
      return bytes;
    }

    String string(String what) {
      byte[] bytes = lengthPrefixed(what);
      try {
        return utf8.decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        throw new MalformedPacketException(what + " is not valid UTF-8");
      }
    }

    Object value() {
      need(1, "tag");
      int tag = buffer.get() & 0xFF;
      switch (tag) {
        case TAG_NULL:
          return null;
        case TAG_BOOL:
          need(1, "bool");
          return buffer.get() != 0;
        case TAG_INT:
          long v = uint32();
          if (v == NONE) return -1;
          return v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
        case TAG_STRING:
          return string("string");
        case TAG_BYTES:
          return lengthPrefixed("bytes");
        case TAG_ARRAY:
          {
            long count = uint32();
            need(count, "array"); // every element takes at least one byte
            List<Object> list = new ArrayList<>((int) count);
            for (long i = 0; i < count; i++) list.add(value());
            return list;
          }
        case TAG_MAP:
          {
            long count = uint32();
            need(count * 5, "map"); // every entry takes at least a key length and a tag
            Map<String, Object> map = new LinkedHashMap<>();
            for (long i = 0; i < count; i++) {
              String key = string("map key");
              map.put(key, value());
            }
            return map;
          }
        default:
          throw new MalformedPacketException("unknown tag " + tag);
      }
    }
  }
}
