package ke.fleettickets;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The records of a CSV body as COPY gets them: each starts with the line it starts on
 * (the staging table's {@code line} column), ends in LF, and blank lines are left out.
 * Quoted fields pass through untouched, line breaks and all. Only quote state and line
 * ends are tracked; no field is looked at.
 *
 * <p>Why here and not in SQL: COPY takes one line ending for a whole file and refuses a
 * blank line, while the contract accepts mixed LF/CRLF and blank lines, and counts both
 * in line numbers. A record starting with its line number also can never be COPY's
 * end-of-data marker {@code \.}.
 */
final class NumberedRecords extends InputStream {

    /** A CR outside quotes that does not end its line: COPY would split the record there. */
    static final class BareCarriageReturn extends IOException {
        final long line;

        BareCarriageReturn(long line) {
            super("line " + line + " holds a carriage return outside quotes that does not end the line");
            this.line = line;
        }
    }

    /** The file ends inside a quoted field: the rest of the file would be one field. */
    static final class UnterminatedQuote extends IOException {
        final long line;

        UnterminatedQuote(long line) {
            super("the file ends inside a quoted field that starts on line " + line);
            this.line = line;
        }
    }

    private static final int CHUNK = 1 << 16;
    /** The bytes that end a run of plain bytes outside quotes. */
    private static final boolean[] SPECIAL = new boolean[256];

    static {
        SPECIAL['"'] = true;
        SPECIAL['\n'] = true;
        SPECIAL['\r'] = true;
    }

    private final InputStream in;
    private final byte[] chunk = new byte[CHUNK];
    private byte[] out = new byte[CHUNK * 2];
    private int outPos;
    private int outLen;
    private boolean eof;

    /** The physical line of the next byte read. */
    private long line;
    /** Outside quotes at the start of a line: a record may start, or the line may be blank. */
    private boolean atLineStart = true;
    /** Spaces and tabs at the start of a line, held until it is known not to be blank. */
    private final StringBuilder blanks = new StringBuilder();
    private boolean inQuote;
    /** A CR outside quotes whose LF (or not) is the next byte. */
    private boolean pendingCr;
    private long recordLine;

    /**
     * The line number COPY gives in its errors, counted as COPY counts: one per line end
     * outside quotes, and one per LF inside quotes once it has seen its first line end.
     * Blank lines left out, and line breaks inside the first record's quotes, make it
     * part from the file's line: (COPY line, file line - COPY line) pairs where it does.
     */
    private long copyLine = 1;
    private boolean copySawLineEnd;
    private long[] breakLines = new long[16];
    private long[] breakOffsets = new long[16];
    private int breaks;

    /** @param firstLine the physical line the body starts on (2 after a header line) */
    NumberedRecords(InputStream body, long firstLine) {
        this.in = body;
        this.line = firstLine;
    }

    /**
     * The file's line for the line number in a COPY error ({@code COPY t, line N}).
     * Errors that quote the record carry its first line in the record itself, which is
     * better (see {@link Rejection}); this is for those that do not.
     */
    long lineOf(long copyLineNumber) {
        int i = Arrays.binarySearch(breakLines, 0, breaks, copyLineNumber);
        int at = i >= 0 ? i : -i - 2;
        return at < 0 ? copyLineNumber : copyLineNumber + breakOffsets[at];
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (outPos == outLen) {
            if (eof) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, outLen - outPos);
        System.arraycopy(out, outPos, b, off, n);
        outPos += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void fill() throws IOException {
        outPos = 0;
        outLen = 0;
        int n = in.read(chunk, 0, CHUNK);
        if (n < 0) {
            finish();
            eof = true;
            return;
        }
        int i = 0;
        while (i < n) {
            byte c = chunk[i];
            if (pendingCr) {
                pendingCr = false;
                if (c == '\n') {
                    i++;
                    endOfLine();
                    continue;
                }
                throw new BareCarriageReturn(line);
            }
            if (atLineStart) {
                if (c == ' ' || c == '\t') {
                    blanks.append((char) c);
                    i++;
                    continue;
                }
                if (c == '\n') {  // a blank line
                    blanks.setLength(0);
                    line++;
                    i++;
                    continue;
                }
                if (c == '\r') {
                    pendingCr = true;
                    i++;
                    continue;
                }
                startRecord();
            }
            if (inQuote) {
                // copy up to the closing quote, counting the line breaks inside
                int start = i;
                while (i < n && chunk[i] != '"') {
                    if (chunk[i] == '\n') {
                        line++;
                        if (copySawLineEnd) {
                            copyLine++;
                        }
                    }
                    i++;
                }
                put(chunk, start, i - start);
                if (i < n) {
                    inQuote = false;
                    put((byte) '"');
                    i++;
                }
                continue;
            }
            // outside quotes: copy up to the next quote or line end
            int start = i;
            while (i < n && !SPECIAL[chunk[i] & 0xff]) {
                i++;
            }
            put(chunk, start, i - start);
            if (i == n) {
                break;
            }
            c = chunk[i++];
            if (c == '"') {
                inQuote = true;
                put(c);
            } else if (c == '\n') {
                endOfLine();
            } else {
                pendingCr = true;
            }
        }
    }

    private void finish() throws UnterminatedQuote {
        if (inQuote) {
            throw new UnterminatedQuote(recordLine);
        }
        // a last line without its line end, a CR alone at the very end, or blanks: nothing to add
        pendingCr = false;
        blanks.setLength(0);
    }

    private void endOfLine() {
        if (!atLineStart) {
            put((byte) '\n');
            copyLine++;
            copySawLineEnd = true;
        }
        blanks.setLength(0);
        atLineStart = true;
        line++;
    }

    private void startRecord() {
        atLineStart = false;
        recordLine = line;
        noteOffset();
        putNumber(line);
        put((byte) ',');
        for (int k = 0; k < blanks.length(); k++) {
            put((byte) blanks.charAt(k));
        }
        blanks.setLength(0);
    }

    /** At a record's start: notes where COPY's line number and the file's line part, from here on. */
    private void noteOffset() {
        long offset = line - copyLine;
        if (breaks > 0 && breakOffsets[breaks - 1] == offset) {
            return;
        }
        if (breaks == breakLines.length) {
            breakLines = Arrays.copyOf(breakLines, breaks * 2);
            breakOffsets = Arrays.copyOf(breakOffsets, breaks * 2);
        }
        breakLines[breaks] = copyLine;
        breakOffsets[breaks] = offset;
        breaks++;
    }

    private void putNumber(long value) {
        ensure(20);
        int first = outLen;
        long v = value;
        do {
            out[outLen++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
        for (int a = first, b = outLen - 1; a < b; a++, b--) {
            byte t = out[a];
            out[a] = out[b];
            out[b] = t;
        }
    }

    private void put(byte b) {
        ensure(1);
        out[outLen++] = b;
    }

    private void put(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, out, outLen, len);
        outLen += len;
    }

    private void ensure(int more) {
        if (outLen + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLen + more));
        }
    }
}
