package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.CsvText;
import ke.fleettickets.testing.TestDatabase;
import ke.fleettickets.testing.TestS3;

/**
 * Three days of the change stream reach the bucket a few files at a time and are drained
 * as the cron does, {@code --from-bucket --apply} after each batch. What the dashboard
 * counts, and the closures history records run by run, are checked against the CSV rows
 * themselves, read here without any of the runner's code.
 */
class CronDrainDashboardTest {
    private static final String CHANGES = "automations/inc/changes/";
    private static final ZoneOffset EAT = ZoneOffset.ofHours(3);
    /** In the past whatever the clock says: rows dated more than a day ahead would not be trusted to order versions. */
    private static final LocalDate FIRST_DAY = LocalDate.now(EAT).minusDays(7);
    private static final Set<String> OPEN = Set.of("open", "in_progress", "pending");
    private static final Set<String> CLOSED = Set.of("resolved", "closed");
    private static final Set<String> TRUE = Set.of("true", "t", "1", "yes", "y");
    private static final Pattern HISTORY = Pattern.compile(
            "^history: (\\d{4}-\\d\\d-\\d\\d) \\(EAT\\): (\\d+) closures?, (\\d+) reopened, (\\d+) snapshot rows?$",
            Pattern.MULTILINE);

    private static final TestS3 s3 = TestS3.shared();

    @TempDir
    Path dir;

    /** A ticket as the newest of its rows so far says it is. */
    private record Ticket(String status, String cluster, LocalDateTime closedAt, LocalDateTime updated) {
    }

    @Test
    void threeDaysDrainedInCronBatchesAddUpOnTheDashboardAndInHistory() throws Exception {
        s3.reset();
        TestDatabase.Database db = TestDatabase.get().freshDatabase();
        Map<String, String> env = new HashMap<>(s3.env());
        env.put("DATABASE_URL", db.url());
        List<Path> files = new SampleStream(FIRST_DAY, 3, 24, 150, null, 7).writeTo(dir).files();
        assertEquals(72, files.size());
        assertTrue(files.get(71).getFileName().toString().startsWith(FIRST_DAY.plusDays(2).toString().replace("-", "")),
                "the last file is from the third day: " + files.get(71));

        Map<String, Ticket> tickets = new HashMap<>();
        Set<String> seenClosed = new HashSet<>();  // closed at the last capture
        Random batchSizes = new Random(11);
        Set<String> captureDays = new TreeSet<>();
        String today = null;
        int uploaded = 0;
        int runs = 0;
        int runsWithClosures = 0;
        while (uploaded < files.size()) {
            // a few files per cron run; once, the cron finds nothing new
            int batch = runs == 4 ? 0 : Math.min(1 + batchSizes.nextInt(4), files.size() - uploaded);
            for (Path f : files.subList(uploaded, uploaded + batch)) {
                s3.put(CHANGES + f.getFileName(), Files.readAllBytes(f));
                read(f, tickets);
            }
            uploaded += batch;
            long lastClosure = Long.parseLong(db.one("SELECT coalesce(max(closure_id), 0) FROM tickets.closure_events"));

            CliRun r = CliRun.of(env, "--from-bucket", "--apply");
            runs++;

            assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains(": " + batch + (batch == 1 ? " change file" : " change files")), r.out());
            Matcher history = HISTORY.matcher(r.out());
            assertTrue(history.find(), "the run captured history: " + r.out());
            Set<String> closedNow = new TreeSet<>();
            tickets.forEach((id, t) -> {
                if (CLOSED.contains(t.status())) {
                    closedNow.add(id);
                }
            });
            Set<String> newlyClosed = new TreeSet<>(closedNow);
            newlyClosed.removeAll(seenClosed);
            Set<String> reopened = new TreeSet<>(seenClosed);
            reopened.removeAll(closedNow);
            assertEquals(List.of(newlyClosed.size(), reopened.size()),
                    List.of(Integer.parseInt(history.group(2)), Integer.parseInt(history.group(3))),
                    "run " + runs + " reports the closures and reopenings its files brought: " + history.group());
            assertEquals(new ArrayList<>(newlyClosed), db.column("SELECT ticket_id FROM tickets.closure_events"
                    + " WHERE closure_id > " + lastClosure + " ORDER BY ticket_id COLLATE \"C\""),
                    "run " + runs + " appended one closure event per ticket its files closed");
            seenClosed = closedNow;
            runsWithClosures += newlyClosed.isEmpty() ? 0 : 1;
            if (batch == 0) {
                assertEquals(0, newlyClosed.size(), "a run with no file observes no closure");
            }
            today = history.group(1);
            captureDays.add(today);
        }
        assertTrue(runs >= 20 && runsWithClosures >= runs - 5, runs + " runs, " + runsWithClosures
                + " of them with closures: closure_events grew run by run");
        assertEquals(String.valueOf(seenClosed.size()), db.one("SELECT count(*) FROM tickets.closure_events"));
        assertEquals(new ArrayList<>(captureDays), db.column("SELECT day::text FROM tickets.history_day ORDER BY day"),
                "history has the days the runs captured (the EAT days of the wall clock, not of the data)");
        long open = tickets.values().stream().filter(t -> OPEN.contains(t.status())).count();
        assertEquals(String.valueOf(open), db.one("SELECT sum(open_backlog) FROM tickets.inc_daily_snapshot"
                + " WHERE day = '" + today + "'"), "the last capture's backlog is the open tickets");

        // the dashboard, 20 minutes after the last file: the next cron slot
        String last = files.get(files.size() - 1).getFileName().toString();
        OffsetDateTime now = LocalDateTime.parse(last.substring(0, 15), DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"))
                .plusMinutes(20).atOffset(EAT);
        for (String window : List.of("7d", "24h")) {
            LocalDateTime from = now.toLocalDateTime().minusHours(window.equals("7d") ? 7 * 24 : 24);
            LocalDateTime to = now.toLocalDateTime();
            Map<String, List<Long>> byCluster = new TreeMap<>();
            long closed = 0;
            for (Ticket t : tickets.values()) {
                boolean isOpen = OPEN.contains(t.status());
                boolean isClosed = CLOSED.contains(t.status()) && t.closedAt() != null
                        && !t.closedAt().isBefore(from) && t.closedAt().isBefore(to);
                closed += isClosed ? 1 : 0;
                if (isOpen || isClosed) {
                    List<Long> counts = byCluster.computeIfAbsent(String.valueOf(t.cluster()), c -> new ArrayList<>(List.of(0L, 0L)));
                    counts.set(isOpen ? 0 : 1, counts.get(isOpen ? 0 : 1) + 1);
                }
            }
            Dashboard d = dashboard(db, window, now);
            assertEquals(List.of(open, closed), List.of(d.open(), d.closed()), window + ": metrics.open and metrics.closed");
            assertEquals(byCluster, d.byCluster(), window + ": metrics.by_cluster, [open, closed] per cluster");
            assertTrue(open > 0 && closed > 0, window + ": the stream leaves tickets open and closes some: " + d);
        }
        assertTrue(dashboard(db, "7d", now).closed() > dashboard(db, "24h", now).closed(),
                "the closures of the first days fall outside the 24h window");
    }

    private record Dashboard(long open, long closed, Map<String, List<Long>> byCluster) {
    }

    /** The figures of reporting.fn_inc_dashboard, taken out of its jsonb (and nothing else) by SQL. */
    private static Dashboard dashboard(TestDatabase.Database db, String window, OffsetDateTime now) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT d -> 'metrics' ->> 'open', d -> 'metrics' ->> 'closed', b ->> 'cluster', b ->> 'open', b ->> 'closed'
                  FROM reporting.fn_inc_dashboard(p_window => ?, p_now => ?) AS d
                  LEFT JOIN LATERAL jsonb_array_elements(d -> 'metrics' -> 'by_cluster') AS b ON true""")) {
            ps.setString(1, window);
            ps.setObject(2, now);
            long open = -1;
            long closed = -1;
            Map<String, List<Long>> byCluster = new TreeMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    open = rs.getLong(1);
                    closed = rs.getLong(2);
                    if (rs.getString(4) != null) {
                        byCluster.put(String.valueOf(rs.getString(3)), List.of(rs.getLong(4), rs.getLong(5)));
                    }
                }
            }
            return new Dashboard(open, closed, byCluster);
        }
    }

    // --- the CSV, read as the contract says, independently of the runner ---------------------

    private static final DateTimeFormatter LOCAL_TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);

    /**
     * Applies one file to the tickets: alarm rows, the EXPORT STOPPED sentinel and rows
     * without a ticket_id dropped; ticket_id trimmed and upper-cased; a row replaces the
     * ticket unless it is older (source_updated_at), so within a file the newest row wins
     * and, on a tie, the later line.
     */
    private static void read(Path file, Map<String, Ticket> tickets) throws IOException {
        List<List<String>> records = CsvText.parse(Files.readString(file, StandardCharsets.UTF_8)).records();
        List<String> header = records.get(0).stream()
                .map(h -> h.replace("\uFEFF", "").strip().toLowerCase(Locale.ROOT)).toList();
        int id = header.indexOf("ticket_id");
        int status = header.indexOf("normalized_status");
        int cluster = header.indexOf("cluster");
        int closedAt = header.indexOf("closed_at");
        int updated = header.indexOf("source_updated_at");
        int alarm = header.indexOf("is_alarm");
        for (List<String> row : records.subList(1, records.size())) {
            String ticket = row.get(id).strip().toUpperCase(Locale.ROOT);
            if (ticket.isEmpty() || ticket.startsWith("EXPORT STOPPED")
                    || TRUE.contains(row.get(alarm).strip().toLowerCase(Locale.ROOT))) {
                continue;
            }
            Ticket incoming = new Ticket(blankToNull(row.get(status).strip().toLowerCase(Locale.ROOT)),
                    blankToNull(row.get(cluster).strip()), time(row.get(closedAt)), time(row.get(updated)));
            Ticket stored = tickets.get(ticket);
            if (stored == null || stored.updated() == null || incoming.updated() == null
                    || !incoming.updated().isBefore(stored.updated())) {
                tickets.put(ticket, incoming);
            }
        }
    }

    /** EAT wall-clock time, with a space or a T, an optional fraction; anything else is no time. */
    private static LocalDateTime time(String text) {
        String t = text.strip().replace('T', ' ');
        try {
            return t.isEmpty() ? null : LocalDateTime.parse(t, LOCAL_TIME);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
