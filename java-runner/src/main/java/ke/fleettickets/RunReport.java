package ke.fleettickets;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run tells its operator: one line per file on stdout, one line per rejected file
 * on stderr, one line for the history capture, and a closing line with the totals. In a dry run every stdout line says so.
 * With {@code --log-format json} every line is one JSON object instead, for log collectors.
 */
final class RunReport {

    enum Format { TEXT, JSON }

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean dryRun;
    private final boolean quiet;
    private final Format format;

    private int fileCount;
    private int files;
    private int rejectedFiles;
    private int quarantinedFiles;
    private int archivedOnly;
    private long rowsRead;
    private long inserted;
    private long updated;
    private long unchanged;
    private long stale;
    private long alarm;
    private long rejectedRows;

    RunReport(PrintWriter out, PrintWriter err, boolean dryRun, boolean quiet, Format format) {
        this.out = out;
        this.err = err;
        this.dryRun = dryRun;
        this.quiet = quiet;
        this.format = format;
    }

    /** How many files the run will go through, for the [i/n] of progress lines. */
    void expect(int count) {
        fileCount = count;
    }

    void ingested(ChangeFile file, IngestResult r, long millis) {
        files++;
        rowsRead += r.rowsRead();
        inserted += r.inserted();
        updated += r.updated();
        unchanged += r.unchanged();
        stale += r.stale();
        alarm += r.alarm();
        rejectedRows += r.rejectedRows();
        if (quiet) {
            return;
        }
        if (format == Format.JSON) {
            Map<String, Object> event = event("file", file);
            event.put("rows", r.rowsRead());
            event.put("new", r.inserted());
            event.put("updated", r.updated());
            event.put("unchanged", r.unchanged());
            event.put("stale", r.stale());
            event.put("alarm", r.alarm());
            event.put("rejected_rows", r.rejectedRows());
            event.put("header_repeats", r.headerRepeats());
            event.put("dated_ahead", r.untrustedUpdatedAt());
            event.put("truncated", r.truncated());
            event.put("late", r.late());
            // each name cut like the text line's; the full names are in the ledger
            event.put("extra_columns", r.extraColumns().stream().map(Shortened::name).toList());
            event.put("ledger_id", r.ledgerId());
            event.put("ms", millis);
            out.println(Json.object(event));
            return;
        }
        StringBuilder line = new StringBuilder(prefix()).append(progress()).append(file.name()).append("  ")
                .append(rows(r.rowsRead(), "")).append(": ")
                .append(counts(r.inserted(), r.updated(), r.unchanged(), r.stale(), r.alarm(), r.rejectedRows()));
        if (r.truncated()) {
            line.append(", truncated export");
        }
        if (r.late()) {
            line.append(", late");
        }
        if (r.headerRepeats() > 0) {
            line.append(", header repeated ").append(r.headerRepeats()).append("×");
        }
        if (r.untrustedUpdatedAt() > 0) {
            line.append(", ").append(r.untrustedUpdatedAt()).append(" dated ahead");
        }
        if (!r.extraColumns().isEmpty()) {
            line.append(", extra columns: ").append(Shortened.list(r.extraColumns()));
        }
        print(out, line.append(", ").append(millis).append(" ms"));
    }

    void rejected(ChangeFile file, String reason) {
        unapplied(file, "rejected", "reject", reason);
    }

    /** A changed file: the ledger knows its key with other bytes. Exit 3, like a rejection. */
    void quarantined(ChangeFile file, String reason) {
        unapplied(file, "quarantined", "quarantine", reason);
    }

    private void unapplied(ChangeFile file, String outcome, String verb, String reason) {
        files++;
        if ("quarantined".equals(outcome)) {
            quarantinedFiles++;
        } else {
            rejectedFiles++;
        }
        if (format == Format.JSON) {
            Map<String, Object> event = event(outcome, file);
            event.put("reason", reason);
            err.println(Json.object(event));
            return;
        }
        print(err, "fleettickets: " + (dryRun ? "dry run: would " + verb + " " : outcome + " ") + file.label() + ": " + reason);
    }

    /** A file whose ingest was done by an earlier run: only its move was left (or a plan to). */
    void moved(ChangeFile file, String to, String why) {
        files++;
        archivedOnly++;
        if (quiet) {
            return;
        }
        if (format == Format.JSON) {
            Map<String, Object> event = event("moved", file);
            event.put("to", to);
            event.put("why", why);
            out.println(Json.object(event));
            return;
        }
        print(out, prefix() + progress() + file.name() + "  " + (dryRun ? "would move to " : "moved to ") + to
                + " (" + why + ")");
    }

    /** A line about the run as a whole, e.g. the listing or what was ignored. */
    void note(String text) {
        if (quiet) {
            return;
        }
        if (format == Format.JSON) {
            Map<String, Object> event = event("note");
            event.put("message", text);
            out.println(Json.object(event));
            return;
        }
        print(out, prefix() + text);
    }

    /**
     * What {@code tickets.capture_history} observed (or, in a dry run, would have written).
     * After files, {@code --quiet} leaves it out like the file lines; run alone
     * ({@code --capture-history}), it is the run's closing line and always printed.
     */
    void history(TicketsSql.History h, boolean alone) {
        if (quiet && !alone) {
            return;
        }
        if (format == Format.JSON) {
            Map<String, Object> event = event("history");
            event.put("day", h.day().toString());
            event.put("closures", h.closures());
            event.put("reopened", h.reopened());
            event.put("snapshot_rows", h.snapshotRows());
            out.println(Json.object(event));
            return;
        }
        print(out, prefix() + "history: " + h.day() + " (EAT): " + count(h.closures(), "closure") + ", "
                + h.reopened() + " reopened, " + count(h.snapshotRows(), "snapshot row")
                + (dryRun ? " (rolled back: nothing was changed)" : ""));
    }

    boolean anyRejected() {
        return rejectedFiles + quarantinedFiles > 0;
    }

    void finish(long millis) {
        if (format == Format.JSON) {
            Map<String, Object> event = event("summary");
            event.put("files", files);
            event.put("rejected_files", rejectedFiles);
            event.put("quarantined_files", quarantinedFiles);
            event.put("moved_only", archivedOnly);
            event.put("rows", rowsRead);
            event.put("new", inserted);
            event.put("updated", updated);
            event.put("unchanged", unchanged);
            event.put("stale", stale);
            event.put("alarm", alarm);
            event.put("rejected_rows", rejectedRows);
            event.put("ms", millis);
            out.println(Json.object(event));
            return;
        }
        StringBuilder line = new StringBuilder(prefix()).append("done: ")
                .append(files).append(files == 1 ? " file, " : " files, ")
                .append(rows(rowsRead, " read")).append(": ")
                .append(counts(inserted, updated, unchanged, stale, alarm, rejectedRows))
                .append(", ").append(millis).append(" ms");
        if (archivedOnly > 0) {
            line.append(" (").append(archivedOnly).append(archivedOnly == 1 ? " file" : " files")
                    .append(" only moved)");
        }
        if (rejectedFiles > 0) {
            line.append(" (").append(rejectedFiles).append(rejectedFiles == 1 ? " file" : " files")
                    .append(" rejected)");
        }
        if (quarantinedFiles > 0) {
            line.append(" (").append(quarantinedFiles).append(quarantinedFiles == 1 ? " file" : " files")
                    .append(" quarantined)");
        }
        print(out, line);
        if (dryRun && !quiet) {
            print(out, "dry run: nothing was changed; re-run with --apply to ingest these files");
        }
    }

    /** Every text line: names, keys and reasons come from outside and may hold control characters. */
    private static void print(PrintWriter to, CharSequence line) {
        to.println(Escaped.of(line.toString()));
    }

    private Map<String, Object> event(String name) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", name);
        event.put("dry_run", dryRun);
        return event;
    }

    private Map<String, Object> event(String name, ChangeFile file) {
        Map<String, Object> event = event(name);
        event.put("n", files);
        event.put("of", fileCount);
        event.put("key", file.key());
        return event;
    }

    private String progress() {
        return "[" + files + "/" + fileCount + "] ";
    }

    private String prefix() {
        return dryRun ? "dry run " : "";
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String rows(long rows, String suffix) {
        return rows + (rows == 1 ? " row" : " rows") + suffix;
    }

    private static String counts(long inserted, long updated, long unchanged, long stale, long alarm,
            long rejected) {
        return inserted + " new, " + updated + " updated, "
                + unchanged + " unchanged, " + stale + " stale, " + alarm + " alarm, " + rejected + " rejected";
    }
}
