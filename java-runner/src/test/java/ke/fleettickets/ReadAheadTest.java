package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/** {@link ReadAhead} on files of its own: the bounds it keeps, the order it hands out, the failures it replays. */
class ReadAheadTest {

    /** A file whose opening is counted; its bytes, or a failure, are the test's. */
    private static final class Counted implements ChangeFile {
        final String key;
        final long announced;
        final byte[] bytes;
        final List<String> opened;
        IOException cutAfterBytes;
        RuntimeException refused;

        Counted(String key, long announced, byte[] bytes, List<String> opened) {
            this.key = key;
            this.announced = announced;
            this.bytes = bytes;
            this.opened = opened;
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public String name() {
            return key;
        }

        @Override
        public String label() {
            return "test://" + key;
        }

        @Override
        public long sizeBytes() {
            return announced;
        }

        @Override
        public String knownEtag() {
            return null;
        }

        @Override
        public InputStream open() {
            opened.add(key);
            if (refused != null) {
                throw refused;
            }
            InputStream body = new ByteArrayInputStream(bytes);
            if (cutAfterBytes == null) {
                return body;
            }
            IOException cut = cutAfterBytes;
            return new SequenceInputStream(body, new InputStream() {
                @Override
                public int read() throws IOException {
                    throw cut;
                }
            });
        }
    }

    private final List<String> opened = new CopyOnWriteArrayList<>();

    private List<Counted> files(int count, int size) {
        List<Counted> files = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            byte[] bytes = ("f" + i + "-".repeat(size)).substring(0, size).getBytes(StandardCharsets.US_ASCII);
            files.add(new Counted("f" + i, size, bytes, opened));
        }
        return files;
    }

    /** Waits for the reads started to be opened, then a moment more: no other may follow before the next take. */
    private List<String> openedSettled(int expected) throws InterruptedException {
        for (int i = 0; i < 200 && opened.size() < expected; i++) {
            Thread.sleep(10);
        }
        Thread.sleep(150);
        return List.copyOf(opened);
    }

    private static byte[] read(ChangeFile file) throws IOException {
        try (InputStream in = file.open()) {
            return in.readAllBytes();
        }
    }

    @Test
    void theNextFilesAreReadInPlanOrderAtMostFourAtOnce() throws Exception {
        List<Counted> files = files(8, 100);
        try (ReadAhead ahead = new ReadAhead(files, 4, 1 << 20)) {
            ChangeFile first = ahead.take(files.get(0));

            assertSame(files.get(0), first, "the first file is streamed: nothing was read before it");
            assertEquals(List.of("f2", "f3", "f4", "f5"), openedSettled(4).stream().sorted().toList(),
                    "four files ahead, no more");

            for (int i = 1; i < files.size(); i++) {
                ChangeFile next = ahead.take(files.get(i));
                assertNotSame(files.get(i), next, files.get(i).key() + " was read ahead");
                assertEquals(files.get(i).key(), next.key());
                assertArrayEquals(files.get(i).bytes, read(next));
                // the one handed out is held until the next take: three more are read
                int expected = Math.min(files.size() - 1, i + 3);
                assertEquals(expected, openedSettled(expected).size(), "after taking " + files.get(i).key() + ": " + opened);
            }
        }
        assertEquals(List.of("f2", "f3", "f4", "f5", "f6", "f7", "f8"), opened.stream().sorted().toList(),
                "each file read once");
    }

    @Test
    void theBytesHeldStayWithinTheBudgetAndAFileOverItIsStreamedAtItsTurn() throws Exception {
        List<Counted> files = files(6, 40);
        Counted big = new Counted("big", 200, new byte[200], opened);
        files.add(2, big);  // f1 f2 big f3 f4 f5 f6
        try (ReadAhead ahead = new ReadAhead(files, 4, 100)) {
            ahead.take(files.get(0));
            assertEquals(List.of("f2", "f3"), openedSettled(2).stream().sorted().toList(),
                    "40 + 40 bytes held; a third would pass 100, and the big file is passed over");

            ahead.take(files.get(1));
            assertEquals(List.of("f2", "f3"), openedSettled(2).stream().sorted().toList(),
                    "f2, being ingested, still counts");

            assertSame(big, ahead.take(big), "a file over the budget is handed out to be streamed");
            assertEquals(List.of("f2", "f3", "f4"), openedSettled(3).stream().sorted().toList(),
                    "f2 is done: its bytes make room for f4");
            assertTrue(!opened.contains("big"), "never read ahead");

            for (int i = 3; i < files.size(); i++) {
                assertArrayEquals(files.get(i).bytes, read(ahead.take(files.get(i))));
            }
        }
    }

    @Test
    void aFailedOpeningIsThrownAtTheFilesTurnAsTheSameException() throws Exception {
        List<Counted> files = files(4, 10);
        InfrastructureException refused = new InfrastructureException("S3 failed reading test://f3 (HTTP 500)");
        files.get(2).refused = refused;
        try (ReadAhead ahead = new ReadAhead(files, 4, 1 << 20)) {
            ahead.take(files.get(0));
            openedSettled(3);
            assertArrayEquals(files.get(1).bytes, read(ahead.take(files.get(1))), "the file before it is whole");

            ChangeFile third = ahead.take(files.get(2));

            assertSame(refused, assertThrows(InfrastructureException.class, third::open),
                    "the failure comes when its file is opened, in its own words");
        }
    }

    @Test
    void aTransferCutShortIsReplayedToTheSameByteWithTheSameException() throws Exception {
        List<Counted> files = files(2, 10);
        Counted cut = files.get(1);
        IOException reset = new IOException("Connection reset");
        cut.cutAfterBytes = reset;
        try (ReadAhead ahead = new ReadAhead(files, 4, 1 << 20)) {
            ahead.take(files.get(0));
            openedSettled(1);

            try (InputStream in = ahead.take(cut).open()) {
                byte[] got = new byte[20];
                int n = 0;
                IOException thrown = null;
                try {
                    for (int r; (r = in.read(got, n, got.length - n)) > 0; ) {
                        n += r;
                    }
                } catch (IOException e) {
                    thrown = e;
                }
                assertEquals(10, n, "every byte that arrived");
                assertArrayEquals(cut.bytes, Arrays.copyOf(got, n));
                assertSame(reset, thrown, "then the failure that cut it");
            }
        }
    }

    @Test
    void aBodyShorterOrLongerThanListedIsHandedOverAsItCameForTheChecks() throws Exception {
        List<Counted> files = new ArrayList<>(files(1, 10));
        files.add(new Counted("short", 10, "12345".getBytes(StandardCharsets.US_ASCII), opened));
        files.add(new Counted("long", 10, "123456789012345".getBytes(StandardCharsets.US_ASCII), opened));
        try (ReadAhead ahead = new ReadAhead(files, 4, 1 << 20)) {
            ahead.take(files.get(0));
            openedSettled(2);

            assertEquals("12345", new String(read(ahead.take(files.get(1))), StandardCharsets.US_ASCII),
                    "the size check sees 5 bytes, not 10");
            assertEquals("123456789012345", new String(read(ahead.take(files.get(2))), StandardCharsets.US_ASCII),
                    "the size check sees all 15 (the rest streamed, not held)");
        }
    }

    @Test
    void withTheOverlapOffNothingIsReadAhead() throws Exception {
        List<Counted> files = files(3, 10);
        try (ReadAhead ahead = new ReadAhead(files, 0, 1 << 20)) {
            for (Counted f : files) {
                assertSame(f, ahead.take(f));
            }
        }
        assertEquals(List.of(), opened);
    }

    @Test
    void aFileTakenOutOfPlanOrderIsABug() {
        List<Counted> files = files(3, 10);
        try (ReadAhead ahead = new ReadAhead(files, 4, 1 << 20)) {
            ahead.take(files.get(0));
            assertThrows(IllegalStateException.class, () -> ahead.take(files.get(2)));
        }
    }
}
