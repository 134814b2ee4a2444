package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import ke.fleettickets.testing.CsvText;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleStreamTest {
    private static final LocalDate DAY = LocalDate.of(2026, 6, 22);

    @TempDir
    static Path tmp;
    private static SampleStream.Written day;

    @BeforeAll
    static void writeADay() throws IOException {
        day = new SampleStream(DAY, 44, 400, null, 42).writeTo(tmp.resolve("day"));
    }

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedDoesNot() throws IOException {
        SampleStream.Written again = new SampleStream(DAY, 44, 400, null, 42).writeTo(tmp.resolve("again"));
        SampleStream.Written other = new SampleStream(DAY, 44, 400, null, 7).writeTo(tmp.resolve("other"));
        assertEquals(names(day.files()), names(again.files()));
        for (int i = 0; i < day.files().size(); i++) {
            assertArrayEquals(Files.readAllBytes(day.files().get(i)), Files.readAllBytes(again.files().get(i)),
                    day.files().get(i).getFileName().toString());
        }
        assertFalse(Files.readString(day.files().get(1)).equals(Files.readString(other.files().get(1))));
    }

    @Test
    void filesComeEveryTwentyMinutesFromSixWithAFewSecondsOfJitter() {
        List<String> names = names(day.files());
        assertEquals(44, names.size());
        Pattern name = Pattern.compile("20260622T(\\d\\d)(\\d\\d)0[0-8]\\.csv");
        for (int i = 0; i < names.size(); i++) {
            var m = name.matcher(names.get(i));
            assertTrue(m.matches(), names.get(i));
            int minutes = Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
            assertEquals(6 * 60 + 20 * i, minutes, names.get(i));
        }
    }

    @Test
    void everyRowParsesAsCsvWithTheHeadersFieldCount() throws IOException {
        long rows = 0;
        boolean quotedLineBreak = false;
        for (Path file : day.files()) {
            List<List<String>> records = parse(file);
            List<String> header = records.get(0);
            assertTrue(header.stream().anyMatch(h -> h.replace("\uFEFF", "").strip().equalsIgnoreCase("ticket_id")),
                    file.toString());
            for (List<String> record : records.subList(1, records.size())) {
                assertEquals(header.size(), record.size(), file + ": " + record);
                quotedLineBreak |= record.stream().anyMatch(f -> f.contains("\n"));
            }
            rows += records.size() - 1;
        }
        assertEquals(day.rows(), rows);
        assertTrue(quotedLineBreak, "some field holds a line break");
    }

    @Test
    void theMessyPartsOfTheRealFeedArePresent() throws IOException {
        int crlf = 0;
        int bom = 0;
        int sentinel = 0;
        int blankTicketId = 0;
        int shuffled = 0;
        int upperCase = 0;
        boolean alarm = false;
        for (Path file : day.files()) {
            byte[] bytes = Files.readAllBytes(file);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.contains("\r\n")) {
                crlf++;
            }
            if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
                    && (bytes[2] & 0xff) == 0xBF) {
                bom++;
            }
            List<List<String>> records = parse(file);
            List<String> header = records.get(0).stream()
                    .map(h -> h.replace("\uFEFF", "").toLowerCase(Locale.ROOT)).toList();
            if (!header.get(0).equals("ticket_id")) {
                shuffled++;
            }
            if (records.get(0).contains("TICKET_ID")) {
                upperCase++;
            }
            int id = header.indexOf("ticket_id");
            int isAlarm = header.indexOf("is_alarm");
            for (List<String> record : records.subList(1, records.size())) {
                if (record.get(id).startsWith("EXPORT STOPPED")) {
                    sentinel++;
                    assertEquals(records.get(records.size() - 1), record, "the sentinel is the last row");
                }
                if (record.get(id).isBlank()) {
                    blankTicketId++;
                }
                alarm |= List.of("true", "t", "1", "yes", "y").contains(record.get(isAlarm).toLowerCase(Locale.ROOT));
            }
        }
        assertTrue(crlf > 0, "a CRLF file");
        assertEquals(1, bom, "one file with a UTF-8 BOM");
        assertEquals(1, sentinel, "one export cut short by the row limit");
        assertTrue(blankTicketId > 0, "a row without ticket_id");
        assertTrue(shuffled > 0, "a file with its columns in another order");
        assertTrue(upperCase > 0, "a file with an upper-case header");
        assertTrue(alarm, "alarm rows");
    }

    @Test
    void thePriorityColumnArrivesHalfwayThroughTheDay() throws IOException {
        assertFalse(parse(day.files().get(0)).get(0).contains("priority"));
        assertTrue(parse(day.files().get(43)).get(0).stream().anyMatch(h -> h.equalsIgnoreCase("priority")));
    }

    @Test
    void ticketsAreReExportedAsTheyProgressAndClosedOnesCarryMttr() throws IOException {
        boolean open = false;
        boolean closedWithMttr = false;
        boolean halfMinute = false;
        for (Path file : day.files()) {
            List<List<String>> records = parse(file);
            List<String> header = records.get(0).stream()
                    .map(h -> h.replace("\uFEFF", "").toLowerCase(Locale.ROOT)).toList();
            int status = header.indexOf("normalized_status");
            int mttr = header.indexOf("mttr");
            int closedAt = header.indexOf("closed_at");
            for (List<String> record : records.subList(1, records.size())) {
                open |= record.get(status).equals("open");
                if (record.get(status).equals("closed")) {
                    closedWithMttr |= !record.get(mttr).isEmpty() && !record.get(closedAt).isEmpty();
                    halfMinute |= record.get(mttr).endsWith(".5");
                }
            }
        }
        assertTrue(open && closedWithMttr && halfMinute);
    }

    @Test
    void aRowCountWithOneFileWritesOneBigFileOfThatManyRows() throws IOException {
        SampleStream.Written big = new SampleStream(DAY, 1, 400, 5000L, 42).writeTo(tmp.resolve("big"));
        assertEquals(1, big.files().size());
        assertEquals(5000, big.rows());
        List<List<String>> records = parse(big.files().get(0));
        assertEquals(5001, records.size());
        for (List<String> record : records) {
            assertEquals(records.get(0).size(), record.size());
        }
    }

    @Test
    void severalDaysFollowOneAnotherEachOpeningItsOwnTicketsAndTicketsLiveAcrossDays() throws IOException {
        SampleStream.Written days = new SampleStream(DAY, 3, 12, 60, null, 42).writeTo(tmp.resolve("days"));
        SampleStream.Written again = new SampleStream(DAY, 3, 12, 60, null, 42).writeTo(tmp.resolve("days-again"));

        List<String> names = names(days.files());
        assertEquals(36, names.size());
        assertEquals(names, names(again.files()));
        for (int i = 0; i < names.size(); i++) {
            assertArrayEquals(Files.readAllBytes(days.files().get(i)), Files.readAllBytes(again.files().get(i)), names.get(i));
            String date = DAY.plusDays(i / 12).toString().replace("-", "");
            var m = Pattern.compile(date + "T(\\d\\d)(\\d\\d)0[0-8]\\.csv").matcher(names.get(i));
            assertTrue(m.matches(), names.get(i));
            assertEquals(6 * 60 + 20 * (i % 12), Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2)), names.get(i));
        }
        Map<String, Set<Integer>> daysSeen = new TreeMap<>();
        int[] boms = new int[3];
        int[] sentinels = new int[3];
        for (int i = 0; i < names.size(); i++) {
            Path file = days.files().get(i);
            byte[] bytes = Files.readAllBytes(file);
            boms[i / 12] += (bytes[0] & 0xff) == 0xEF ? 1 : 0;
            List<List<String>> records = parse(file);
            int id = records.get(0).stream().map(h -> h.replace("\uFEFF", "").toLowerCase(Locale.ROOT)).toList()
                    .indexOf("ticket_id");
            for (List<String> record : records.subList(1, records.size())) {
                String ticket = record.get(id).strip().toUpperCase(Locale.ROOT);
                if (ticket.startsWith("EXPORT STOPPED")) {
                    sentinels[i / 12]++;
                } else if (!ticket.isEmpty()) {
                    daysSeen.computeIfAbsent(ticket, t -> new TreeSet<>()).add(i / 12);
                }
            }
        }
        assertArrayEquals(new int[] {1, 1, 1}, boms, "each day has its file with a BOM");
        assertArrayEquals(new int[] {1, 1, 1}, sentinels, "each day has an export cut short");
        daysSeen.forEach((ticket, seen) -> assertEquals((Long.parseLong(ticket.substring(3)) - 4_500_000) / 60,
                (long) seen.iterator().next(), ticket + " first shows up on the day that opened it, numbered from that day's first"));
        assertEquals(180, daysSeen.size(), "60 tickets a day, none of them shared");
        assertTrue(daysSeen.values().stream().filter(seen -> seen.size() > 1).count() > 10,
                "tickets opened late in a day are worked on the next: " + daysSeen);
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    /** The file's records; it must end outside quotes and with a line ending. */
    private static List<List<String>> parse(Path file) throws IOException {
        CsvText.Parsed parsed = CsvText.parse(Files.readString(file, StandardCharsets.UTF_8));
        assertFalse(parsed.endsInsideQuotes(), file + " ends inside a quoted field");
        assertFalse(parsed.endsWithoutLineEnd(), file + " ends with a line ending");
        return parsed.records();
    }
}
