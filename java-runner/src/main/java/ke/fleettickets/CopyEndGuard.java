package ke.fleettickets;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Watches the bytes on their way to COPY for a line holding only {@code \.} outside quotes:
 * PostgreSQL 15 takes it as the end of the data even in CSV mode and would silently drop
 * every row after it. Such a file is refused instead. Only quote state and line starts
 * are tracked (a {@code "} toggles, so {@code ""} inside quotes toggles twice); the bytes
 * pass through untouched.
 */
final class CopyEndGuard extends FilterInputStream {

    /** The line (record number, header = 1) where the marker stood. */
    static final class EndMarkerFound extends IOException {
        final long line;

        EndMarkerFound(long line) {
            super("line " + line + " holds only \\. (the end-of-data marker of COPY): rows after it would be lost");
            this.line = line;
        }
    }

    private boolean inQuote;
    private long line = 1;
    /** Bytes of the current line so far, up to 3, or -1 once it can no longer be the marker. */
    private int lineLength;
    private boolean backslashFirst;
    private boolean dotSecond;

    CopyEndGuard(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            endOfData();
        } else {
            see((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
            endOfData();
        }
        for (int i = 0; i < n; i++) {
            see(buffer[offset + i]);
        }
        return n;
    }

    private void see(byte b) throws EndMarkerFound {
        if (b == '"') {
            inQuote = !inQuote;
        }
        if (b == '\n' && !inQuote) {
            endOfLine();
            line++;
            lineLength = 0;
            return;
        }
        if (lineLength < 0) {
            return;
        }
        if (lineLength == 0) {
            backslashFirst = b == '\\';
        } else if (lineLength == 1) {
            dotSecond = b == '.';
        } else if (!(lineLength == 2 && b == '\r')) {
            lineLength = -1;
            return;
        }
        lineLength++;
    }

    private void endOfLine() throws EndMarkerFound {
        if (!inQuote && lineLength >= 2 && backslashFirst && dotSecond) {
            throw new EndMarkerFound(line);
        }
    }

    private void endOfData() throws EndMarkerFound {
        endOfLine();
    }
}
