package ke.fleettickets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The next change files of a drain, read while the one before them is ingested, so that a
 * far bucket's round trips overlap the database's work. Files are handed out strictly in
 * plan order ({@link #take}); what is read ahead only waits in memory, and nothing of it
 * reaches the database before its turn.
 *
 * <p>Memory is bounded: at most {@code maxFiles} bodies are held (being read, waiting, or
 * being ingested) and together at most {@code maxBytes}, by the sizes the listing
 * announced. A file larger than {@code maxBytes} is never read ahead: at its turn it is
 * streamed from the bucket as without read-ahead, so the drain's peak memory does not grow
 * with the size of a file.
 *
 * <p>A body is kept as it was read, failure included: the bytes that arrived, then the end,
 * or the exception that cut the transfer short, replayed at the same byte. {@link FileIngest}
 * reads it exactly as it would have read the bucket's stream, so its size and MD5 checks,
 * and its one-line error for that file, are the same; a read that failed surfaces at the
 * file's turn, after the files before it were committed.
 */
final class ReadAhead implements AutoCloseable {
    /** Bodies held at once: enough to keep ahead of the ingest with the bucket 20 ms away. */
    static final int FILES = 4;
    /** Bytes held at once, by the listed sizes; with the runner's 256 MiB heap, a small share. */
    static final long BYTES = 8L << 20;

    private final List<? extends ChangeFile> files;
    private final int maxFiles;
    private final long maxBytes;
    private final ExecutorService readers;
    /** Reads started and not yet handed out, in plan order. */
    private final ArrayDeque<Read> window = new ArrayDeque<>();
    /** The read handed out last: held until the next {@link #take}, when its ingest is over. */
    private Read current;
    private long bytesHeld;
    /** The next file to hand out. */
    private int taken;
    /** The first file not yet considered for reading ahead. */
    private int next;

    /**
     * @param files the files the drain will ingest, in plan order
     * @param maxFiles bodies held at once; 0 reads nothing ahead (every file is streamed at its turn)
     */
    ReadAhead(List<? extends ChangeFile> files, int maxFiles, long maxBytes) {
        this.files = List.copyOf(files);
        this.maxFiles = maxFiles;
        this.maxBytes = maxBytes;
        this.readers = maxFiles == 0 ? null : Executors.newFixedThreadPool(maxFiles, r -> {
            Thread t = new Thread(r, "fleettickets-read-ahead");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The file to ingest now, the next of the list: its body read ahead (waiting for the
     * read to end, if need be), or the file itself, to be streamed. Starts reading the
     * files after it, as far as the bounds allow.
     */
    ChangeFile take(ChangeFile file) {
        if (taken >= files.size() || !files.get(taken).equals(file)) {
            throw new IllegalStateException(file.key() + " taken out of plan order");
        }
        taken++;
        release();
        ChangeFile now = file;
        if (!window.isEmpty() && window.peek().file.equals(file)) {
            current = window.poll();
            now = current.held();
        }
        next = Math.max(next, taken);  // a file passed over is streamed at its turn, never read late
        fill();
        return now;
    }

    private void fill() {
        while (readers != null && next < files.size() && held() < maxFiles) {
            ChangeFile f = files.get(next);
            if (f.sizeBytes() > maxBytes) {
                next++;  // too big to hold: streamed at its turn
                continue;
            }
            if (bytesHeld + f.sizeBytes() > maxBytes) {
                return;  // it waits until the bodies before it are done
            }
            bytesHeld += f.sizeBytes();
            window.add(new Read(f, readers.submit(() -> Body.read(f))));
            next++;
        }
    }

    private int held() {
        return window.size() + (current == null ? 0 : 1);
    }

    private void release() {
        if (current != null) {
            bytesHeld -= current.file.sizeBytes();
            current = null;
        }
    }

    /** Stops reading ahead: reads not handed out are dropped (a run that stopped early has no use for them). */
    @Override
    public void close() {
        if (readers == null) {
            return;
        }
        readers.shutdownNow();
        for (Read r : window) {
            r.reading().cancel(true);
            r.drop();
        }
        window.clear();
        current = null;
        try {
            readers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Read(ChangeFile file, Future<Body> reading) {
        /** Lets go of a body never handed out: a longer one holds its connection open. */
        void drop() {
            if (reading.isDone() && !reading.isCancelled()) {
                try {
                    reading.get().discard();
                } catch (InterruptedException | ExecutionException e) {
                    // nothing is held
                }
            }
        }

        /** The file with the body read, as the ingest takes it. */
        ChangeFile held() {
            try {
                return new Held(file, reading.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InfrastructureException(file.label() + ": interrupted while its body was read", e);
            } catch (ExecutionException e) {
                // Body.read keeps every failure of the bucket: what is left is a bug
                throw new IllegalStateException(file.label() + ": reading ahead failed", e.getCause());
            }
        }
    }

    /**
     * What one read of a file gave, to be replayed: the bytes that arrived; then the end,
     * the exception that ended the transfer, or the rest of a body longer than announced
     * (still to be streamed, so memory stays within the listed size).
     *
     * @param failure thrown by {@code open()} when {@code bytes} is null, else by the read after {@code length} bytes
     */
    private record Body(byte[] bytes, int length, Exception failure, InputStream rest) {

        static Body read(ChangeFile file) {
            InputStream in;
            try {
                in = file.open();
            } catch (IOException | RuntimeException e) {
                return new Body(null, 0, e, null);
            }
            byte[] bytes = new byte[(int) file.sizeBytes()];
            int n = 0;
            try {
                for (int r; n < bytes.length && (r = in.read(bytes, n, bytes.length - n)) >= 0; ) {
                    n += r;
                }
                int more = n == bytes.length ? in.read() : -1;
                if (more >= 0) {
                    return new Body(bytes, n, null,
                            new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) more}), in));
                }
                in.close();
                return new Body(bytes, n, null, null);
            } catch (IOException | RuntimeException e) {
                closeQuietly(in);
                return new Body(bytes, n, e, null);
            }
        }

        InputStream open() throws IOException {
            if (bytes == null) {
                rethrow();
            }
            return new InputStream() {
                private int position;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    if (position < length) {
                        int n = Math.min(len, length - position);
                        System.arraycopy(bytes, position, b, off, n);
                        position += n;
                        return n;
                    }
                    if (rest != null) {
                        return rest.read(b, off, len);
                    }
                    if (failure != null) {
                        rethrow();
                    }
                    return -1;
                }

                @Override
                public void close() throws IOException {
                    if (rest != null) {
                        rest.close();
                    }
                }
            };
        }

        /** The failure as it was thrown: an I/O error, or the bucket's own exception. */
        private void rethrow() throws IOException {
            if (failure instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) failure;
        }

        void discard() {
            if (rest != null) {
                closeQuietly(rest);
            }
        }

        private static void closeQuietly(InputStream in) {
            try {
                in.close();
            } catch (IOException | RuntimeException ignored) {
                // the failure that ended the read is the news
            }
        }
    }

    /** A file whose body was read ahead: the same key, label and sizes, its bytes from memory. */
    private record Held(ChangeFile file, Body body) implements ChangeFile {
        @Override
        public String key() {
            return file.key();
        }

        @Override
        public String name() {
            return file.name();
        }

        @Override
        public String label() {
            return file.label();
        }

        @Override
        public long sizeBytes() {
            return file.sizeBytes();
        }

        @Override
        public String knownEtag() {
            return file.knownEtag();
        }

        @Override
        public InputStream open() throws IOException {
            return body.open();
        }
    }
}
