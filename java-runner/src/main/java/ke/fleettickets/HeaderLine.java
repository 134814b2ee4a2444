package ke.fleettickets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The first line of a file: its exact bytes (they go to COPY unchanged) and its text
 * (it goes to {@code tickets.create_staging}).
 *
 * @param bytes the bytes up to and including the first LF, or the whole file without one
 * @param text the line decoded, without its line ending; null for a zero-byte file
 */
record HeaderLine(byte[] bytes, String text) {

    /** A file without one: zero bytes, or blank lines only. */
    static final HeaderLine NONE = new HeaderLine(new byte[0], null);

    /** A header line this long is not a header; reading on would hold the file in memory. */
    static final int MAX_BYTES = 1 << 20;

    boolean isEmpty() {
        return bytes.length == 0;
    }

    /** Nothing but a BOM, blanks and the line end: the file may still be empty (blank lines are no rows). */
    boolean isBlank() {
        return text != null && text.replace("\uFEFF", "").strip().isEmpty();
    }

    /** Reads up to the first LF, leaving the stream at the first data byte. */
    static HeaderLine read(InputStream in) throws IOException, FileRejected {
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                break;
            }
            if (line.size() >= MAX_BYTES) {
                throw new FileRejected(new Rejection(1L, "header line is longer than " + MAX_BYTES + " bytes"));
            }
        }
        byte[] bytes = line.toByteArray();
        if (bytes.length == 0) {
            return new HeaderLine(bytes, null);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FileRejected(new Rejection(1L, "header is not valid UTF-8"));
        }
        // the line ending is not part of the header; the BOM is left for SQL to strip
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        return new HeaderLine(bytes, text);
    }
}
