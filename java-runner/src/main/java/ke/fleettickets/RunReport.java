package ke.fleettickets;

import java.io.PrintWriter;

/**
 * What a run tells its operator: one line per file on stdout, one line per rejected file
 * on stderr, and a closing line with the totals. In a dry run every stdout line says so.
 */
final class RunReport {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean dryRun;
    private final boolean quiet;
    private final int fileCount;

    private int files;
    private int rejectedFiles;
    private long rowsRead;
    private long inserted;
    private long updated;
    private long unchanged;
    private long stale;
    private long alarm;
    private long rejectedRows;

    RunReport(PrintWriter out, PrintWriter err, boolean dryRun, boolean quiet, int fileCount) {
        this.out = out;
        this.err = err;
        this.dryRun = dryRun;
        this.quiet = quiet;
        this.fileCount = fileCount;
    }

    void ingested(InputFile file, IngestResult r, long millis) {
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
        StringBuilder line = new StringBuilder(prefix())
                .append('[').append(files).append('/').append(fileCount).append("] ")
                .append(file.name()).append("  ")
                .append(rows(r.rowsRead(), "")).append(": ")
                .append(counts(r.inserted(), r.updated(), r.unchanged(), r.stale(), r.alarm(), r.rejectedRows()));
        if (r.truncated()) {
            line.append(", truncated export");
        }
        if (r.late()) {
            line.append(", late");
        }
        if (!r.extraColumns().isEmpty()) {
            line.append(", extra columns: ").append(String.join(" ", r.extraColumns()));
        }
        out.println(line.append(", ").append(millis).append(" ms"));
    }

    void rejected(InputFile file, Rejection rejection) {
        files++;
        rejectedFiles++;
        err.println("fleettickets: rejected " + file.path() + ": " + rejection.describe());
    }

    boolean anyRejected() {
        return rejectedFiles > 0;
    }

    void finish(long millis) {
        StringBuilder line = new StringBuilder(prefix()).append("done: ")
                .append(files).append(files == 1 ? " file, " : " files, ")
                .append(rows(rowsRead, " read")).append(": ")
                .append(counts(inserted, updated, unchanged, stale, alarm, rejectedRows))
                .append(", ").append(millis).append(" ms");
        if (rejectedFiles > 0) {
            line.append(" (").append(rejectedFiles).append(rejectedFiles == 1 ? " file" : " files")
                    .append(" rejected)");
        }
        out.println(line);
        if (dryRun && !quiet) {
            out.println("dry run: nothing was changed; re-run with --apply to ingest these files");
        }
    }

    private String prefix() {
        return dryRun ? "dry run " : "";
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
