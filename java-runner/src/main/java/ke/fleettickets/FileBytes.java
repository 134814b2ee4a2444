package ke.fleettickets;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file's bytes, read once from start to end, and its ETag computed on the way: memory
 * stays flat whatever the file's size.
 */
final class FileBytes implements Closeable {
    private static final int BUFFER_BYTES = 1 << 16;

    private final DigestInputStream in;
    private long count;
    private String etag;

    FileBytes(InputStream source) {
        this.in = new DigestInputStream(new BufferedInputStream(source, BUFFER_BYTES), md5());
    }

    /** The bytes not yet read. Closing it leaves the file open, for {@link #etag()}. */
    InputStream stream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    count++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    count += n;
                }
                return n;
            }
        };
    }

    /**
     * The S3 ETag of a single-part upload: the hex MD5 of all the bytes. Reads whatever a
     * failed COPY left unread, so that a rejected file is recorded with its true ETag.
     */
    String etag() throws IOException {
        if (etag == null) {
            count += in.transferTo(OutputStream.nullOutputStream());
            etag = HexFormat.of().formatHex(in.getMessageDigest().digest());
        }
        return etag;
    }

    /** All the bytes there were (reads what is left, like {@link #etag()}). */
    long size() throws IOException {
        etag();
        return count;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}
