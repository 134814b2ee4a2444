package ke.fleettickets;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import ke.fleettickets.SampleRows.Snapshot;
import ke.fleettickets.SampleRows.Ticket;

/**
 * A made-up day (or run of days) of the INC change stream, shaped like the real one: an
 * export every 20 minutes from 06:00 EAT, tickets moving from open to closed across files
 * (and across days: a change after a day's last export arrives with the next morning's
 * first), and the feed's messy parts each day (CRLF files, a BOM, a sentinel row, shuffled
 * and upper-case headers, stale re-exports, duplicates, a row without ticket_id; a column
 * added halfway through the first day). Each day opens its own tickets, numbered on from
 * the day before. The same seed always gives the same bytes; one day is what it was
 * before days could be more.
 *
 * <p>Given a row count, it writes that many independent rows instead of simulating the
 * day, straight to disk: for benchmarks, whatever the size.
 */
public final class SampleStream {

    /** What was written: the files, oldest first, and the rows below their headers. */
    public record Written(List<Path> files, long rows) {
    }

    private static final DateTimeFormatter FILE_NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'.csv'");
    private static final int EXPORT_EVERY_MINUTES = 20;
    private static final long FIRST_TICKET = 4_500_000;

    /** How one export file looks. */
    private record Export(LocalDateTime at, boolean crlf, boolean bom, boolean upperHeader, boolean sentinel,
            boolean blankIdRow, List<Integer> columns) {

        String name() {
            return at.format(FILE_NAME);
        }
    }

    /** A row as it was written, to send again unchanged. */
    private record Rendered(Snapshot snapshot, String[] cells) {
    }

    private final LocalDate day;
    private final int days;
    private final int files;
    private final int tickets;
    private final Long rows;
    private final long seed;

    /** @param rows total rows to write instead of simulating the day, or null */
    public SampleStream(LocalDate day, int files, int tickets, Long rows, long seed) {
        this(day, 1, files, tickets, rows, seed);
    }

    /**
     * @param day the first day
     * @param days consecutive days, each with {@code files} exports and {@code tickets} new tickets
     * @param rows total rows to write, spread over every file, instead of simulating the days; or null
     */
    public SampleStream(LocalDate day, int days, int files, int tickets, Long rows, long seed) {
        if (days < 1 || days > 366) {
            throw new IllegalArgumentException("days must be between 1 and 366");
        }
        if (files < 1 || files > 72) {
            throw new IllegalArgumentException("files must be between 1 and 72 (one every 20 minutes from 06:00)");
        }
        if (tickets < 1) {
            throw new IllegalArgumentException("tickets must be at least 1");
        }
        if (rows != null && rows < 0) {
            throw new IllegalArgumentException("rows must not be negative");
        }
        this.day = day;
        this.days = days;
        this.files = files;
        this.tickets = tickets;
        this.rows = rows;
        this.seed = seed;
    }

    public Written writeTo(Path dir) throws IOException {
        Random rng = new Random(seed);
        SampleRows sample = new SampleRows(rng, day);
        List<Export> plan = plan(rng);
        Files.createDirectories(dir);
        return rows == null ? writeDay(dir, plan, rng, sample) : writeBulk(dir, plan, rng, sample);
    }

    /** Every export of every day, oldest first; each day's exports have the same kinds of mess. */
    private List<Export> plan(Random rng) {
        List<Export> plan = new ArrayList<>();
        boolean several = files > 1;
        for (int d = 0; d < days; d++) {
            for (int i = 0; i < files; i++) {
                LocalDateTime at = day.plusDays(d).atTime(6, 0).plusMinutes((long) EXPORT_EVERY_MINUTES * i)
                        .plusSeconds(rng.nextInt(9));
                List<Integer> columns = new ArrayList<>();
                for (int c = 0; c < SampleRows.COLUMNS.size(); c++) {
                    // the column added halfway through the first day stays
                    if (c != SampleRows.PRIORITY || (several && (d > 0 || i >= files / 2))) {
                        columns.add(c);
                    }
                }
                if (several && i > 0 && rng.nextInt(100) < 20) {
                    Collections.shuffle(columns, rng);
                }
                plan.add(new Export(at,
                        several && (i == 0 || rng.nextInt(100) < 25),
                        several && i == files / 7,
                        several && i == files / 4,
                        several && i == files * 3 / 4,
                        several && i == files * 6 / 7,
                        columns));
            }
        }
        return plan;
    }

    private Written writeDay(Path dir, List<Export> plan, Random rng, SampleRows sample) throws IOException {
        List<List<Snapshot>> perExport = new ArrayList<>();
        plan.forEach(e -> perExport.add(new ArrayList<>()));
        for (int d = 0; d < days; d++) {
            LocalDate today = day.plusDays(d);
            LocalDateTime midnight = today.atStartOfDay();
            LocalDateTime lastExport = plan.get(d * files + files - 1).at();
            int span = (int) ChronoUnit.MINUTES.between(today.atTime(6, 0), lastExport) + 1;
            for (int j = 0; j < tickets; j++) {
                // a third of the tickets were opened overnight and show up in the first export
                int minute = rng.nextInt(100) < 30 ? rng.nextInt(360) : 360 + rng.nextInt(span);
                Ticket ticket = sample.newTicket(FIRST_TICKET + (long) d * tickets + j, midnight.plusMinutes(minute));
                for (Snapshot s : lifecycle(ticket, rng, sample)) {
                    int export = exportOf(plan, s.updated());
                    if (export >= 0) {
                        perExport.get(export).add(s);
                    }
                }
            }
        }
        perExport.forEach(list -> list.sort(Comparator.comparing(Snapshot::updated)));
        addRepeats(plan, perExport, rng);

        List<Path> written = new ArrayList<>();
        long count = 0;
        Map<String, Rendered> lastSent = new HashMap<>();
        List<String> sentIds = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Export export = plan.get(i);
            try (ExportFile out = new ExportFile(dir.resolve(export.name()), export)) {
                if (!sentIds.isEmpty() && rng.nextInt(100) < 20) {
                    // the exporter sends a ticket again, byte for byte: nothing changed
                    out.row(lastSent.get(sentIds.get(rng.nextInt(sentIds.size()))).cells());
                }
                for (Snapshot s : perExport.get(i)) {
                    String[] cells = sample.cells(s);
                    out.row(cells);
                    Rendered before = lastSent.get(s.ticket().id);
                    if (!s.blankId() && (before == null || !s.updated().isBefore(before.snapshot().updated()))) {
                        if (before == null) {
                            sentIds.add(s.ticket().id);
                        }
                        lastSent.put(s.ticket().id, new Rendered(s, cells));
                    }
                }
                if (export.sentinel()) {
                    out.row(sample.sentinel());
                }
                count += out.rows;
            }
            written.add(dir.resolve(export.name()));
        }
        return new Written(written, count);
    }

    /** The exports a ticket goes through: open, assigned, worked on, resolved, closed. */
    private static List<Snapshot> lifecycle(Ticket t, Random rng, SampleRows sample) {
        List<Snapshot> life = new ArrayList<>();
        LocalDateTime at = t.created;
        life.add(new Snapshot(t, "open", "New", at, null, null, false));
        if (rng.nextInt(100) < 80) {
            at = at.plusMinutes(5 + rng.nextInt(36));
            life.add(new Snapshot(t, "open", "Assigned", at, null, null, false));
        }
        if (rng.nextInt(100) < 5) {
            at = at.plusMinutes(10 + rng.nextInt(111));
            life.add(new Snapshot(t, "cancelled", "Cancelled", at, null, null, false));
            return life;
        }
        at = at.plusMinutes(10 + rng.nextInt(171));
        life.add(new Snapshot(t, "in_progress", "In Progress", at, null, null, false));
        if (rng.nextInt(100) < 20) {
            at = at.plusMinutes(30 + rng.nextInt(211));
            life.add(new Snapshot(t, "pending", "Pending", at, null, null, false));
        }
        at = at.plusMinutes(30 + rng.nextInt(371));
        LocalDateTime closed = at;
        double mttr = sample.mttr(t.created, closed);
        life.add(new Snapshot(t, "resolved", "Resolved", at, closed, mttr, false));
        if (rng.nextInt(100) < 60) {
            at = at.plusMinutes(10 + rng.nextInt(171));
            life.add(new Snapshot(t, "closed", "Closed", at, closed, mttr, false));
        }
        return life;
    }

    /** The first export at or after the change; -1 when the last day ends before it. */
    private static int exportOf(List<Export> plan, LocalDateTime changed) {
        for (int i = 0; i < plan.size(); i++) {
            if (!plan.get(i).at().isBefore(changed)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Adds what the exporter gets wrong: a row sent again with an older update than one
     * already sent (stale), a ticket twice in a file, and a row whose ticket_id is lost.
     */
    private static void addRepeats(List<Export> plan, List<List<Snapshot>> perExport, Random rng) {
        Map<String, LocalDateTime> latestSent = new HashMap<>();
        List<Snapshot> sent = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            List<Snapshot> fresh = perExport.get(i);
            List<Snapshot> rows = new ArrayList<>(fresh);
            if (!sent.isEmpty() && rng.nextInt(100) < 30) {
                for (int attempt = 0; attempt < 5; attempt++) {
                    Snapshot old = sent.get(rng.nextInt(sent.size()));
                    if (latestSent.get(old.ticket().id).isAfter(old.updated())) {
                        rows.add(rng.nextInt(rows.size() + 1), old);
                        break;
                    }
                }
            }
            if (!fresh.isEmpty() && rng.nextInt(100) < 25) {
                rows.add(rng.nextInt(rows.size() + 1), fresh.get(rng.nextInt(fresh.size())));
            }
            if (plan.get(i).blankIdRow() && !fresh.isEmpty()) {
                rows.add(rows.size() / 2, fresh.get(fresh.size() / 2).withBlankId());
            }
            for (Snapshot s : fresh) {
                sent.add(s);
                latestSent.merge(s.ticket().id, s.updated(), (a, b) -> a.isAfter(b) ? a : b);
            }
            perExport.set(i, rows);
        }
    }

    private Written writeBulk(Path dir, List<Export> plan, Random rng, SampleRows sample) throws IOException {
        List<Path> written = new ArrayList<>();
        long count = 0;
        int exports = plan.size();
        for (int i = 0; i < plan.size(); i++) {
            Export export = plan.get(i);
            long inFile = rows / exports + (i == exports - 1 ? rows % exports : 0);
            try (ExportFile out = new ExportFile(dir.resolve(export.name()), export)) {
                Snapshot previous = null;
                for (long r = 0; r < inFile; r++) {
                    Snapshot s = previous != null && rng.nextInt(100) < 2
                            ? previous
                            : randomSnapshot(export.at(), count + r, rng, sample);
                    out.row(sample.cells(export.blankIdRow() && r == inFile / 2 ? s.withBlankId() : s));
                    previous = s;
                }
                if (export.sentinel()) {
                    out.row(sample.sentinel());
                }
                count += out.rows;
            }
            written.add(dir.resolve(export.name()));
        }
        return new Written(written, count);
    }

    /** A ticket as some export saw it; mostly new tickets, some seen before (updates). */
    private static Snapshot randomSnapshot(LocalDateTime exportAt, long rowsBefore, Random rng, SampleRows sample) {
        long number = rowsBefore > 0 && rng.nextInt(100) < 10
                ? FIRST_TICKET + (long) (rng.nextDouble() * rowsBefore)
                : FIRST_TICKET + rowsBefore;
        LocalDateTime updated = exportAt.truncatedTo(ChronoUnit.MINUTES).minusMinutes(rng.nextInt(20));
        LocalDateTime created = updated.minusMinutes(rng.nextInt(2880));
        Ticket t = sample.newTicket(number, created);
        int roll = rng.nextInt(100);
        if (roll < 35) {
            return new Snapshot(t, "open", roll < 15 ? "New" : "Assigned", updated, null, null, false);
        }
        if (roll < 60) {
            return new Snapshot(t, "in_progress", "In Progress", updated, null, null, false);
        }
        if (roll < 65) {
            return new Snapshot(t, "pending", "Pending", updated, null, null, false);
        }
        if (roll < 97) {
            LocalDateTime closed = roll < 80 ? updated : updated.minusMinutes(rng.nextInt(121));
            if (closed.isBefore(created)) {
                closed = created;
            }
            String status = roll < 80 ? "resolved" : "closed";
            return new Snapshot(t, status, roll < 80 ? "Resolved" : "Closed", updated, closed,
                    sample.mttr(created, closed), false);
        }
        return new Snapshot(t, "cancelled", "Cancelled", updated, null, null, false);
    }

    /** One export file being written: BOM, header, rows, in the file's line ending. */
    private static final class ExportFile implements Closeable {
        private final Writer out;
        private final Export export;
        private final String newline;
        long rows;

        ExportFile(Path path, Export export) throws IOException {
            this.out = new BufferedWriter(
                    new OutputStreamWriter(Files.newOutputStream(path), StandardCharsets.UTF_8), 1 << 16);
            this.export = export;
            this.newline = export.crlf() ? "\r\n" : "\n";
            if (export.bom()) {
                out.write('\uFEFF');
            }
            List<String> names = new ArrayList<>();
            for (int c : export.columns()) {
                String name = SampleRows.COLUMNS.get(c);
                names.add(export.upperHeader() ? name.toUpperCase(Locale.ROOT) : name);
            }
            out.write(String.join(",", names));
            out.write(newline);
        }

        void row(String[] cells) throws IOException {
            List<Integer> columns = export.columns();
            for (int k = 0; k < columns.size(); k++) {
                if (k > 0) {
                    out.write(',');
                }
                out.write(cells[columns.get(k)]);
            }
            out.write(newline);
            rows++;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
