package dev.prebundled.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Streams over one blocking socket channel that can be used from two threads at once. The
 * streams of {@link java.nio.channels.Channels} share the channel's blocking lock, so a thread
 * blocked reading the next request would stop another thread from writing a response; the
 * channel's own read and write have separate locks, so these streams call them directly.
 */
final class SocketStreams {
  private SocketStreams() {}

  static InputStream input(SocketChannel channel) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) return 0;
        return channel.read(ByteBuffer.wrap(bytes, offset, length));
      }
    };
  }

  static OutputStream output(SocketChannel channel) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) channel.write(buffer);
      }
    };
  }
}
