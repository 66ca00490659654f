package dev.prebundled.rpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads newline-terminated UTF-8 lines with a size limit, so a client cannot make the daemon
 * buffer an endless line. An over-long line is skipped up to its newline and reported as {@link
 * Line#tooLong()}, keeping the connection usable.
 */
final class LineReader {
  /** A line, or the fact that one was too long. */
  record Line(String text, boolean tooLong) {}

  private final InputStream in;
  private final int maxBytes;
  private final byte[] buffer = new byte[8192];
  private int position;
  private int limit;

  LineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** The next line without its newline, or null at end of stream. */
  Line next() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean tooLong = false;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          if (line.size() == 0 && !tooLong) return null;
          return finish(line, tooLong); // a last line without newline
        }
      }
      int start = position;
      while (position < limit && buffer[position] != '\n') position++;
      if (!tooLong) {
        line.write(buffer, start, position - start);
        if (line.size() > maxBytes) {
          tooLong = true;
          line.reset();
        }
      }
      if (position < limit) {
        position++; // the newline
        return finish(line, tooLong);
      }
    }
  }

  private static Line finish(ByteArrayOutputStream line, boolean tooLong) {
    return tooLong ? new Line(null, true) : new Line(line.toString(StandardCharsets.UTF_8), false);
  }
}
