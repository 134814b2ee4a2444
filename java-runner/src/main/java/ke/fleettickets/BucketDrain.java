package ke.fleettickets;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code --from-bucket}: drains automations/inc/changes/ oldest first. The database decides
 * what each key needs ({@code tickets.plan_bucket_files}); this class does it: ingest and
 * archive to processed/, quarantine to rejected/ with the reason beside it, or only finish a
 * move an earlier run could not. The order always is: database first, then the bucket, so
 * a run killed anywhere leaves the ledger knowing what is left, and the next run finishes it.
 */
final class BucketDrain {
    private final Connection connection;
    private final TicketsSql sql;
    private final Bucket bucket;
    private final boolean apply;
    private final boolean reseed;
    private final RunReport report;
    private final FileIngest ingest;

    BucketDrain(Connection connection, Bucket bucket, boolean apply, boolean reseed, RunReport report) {
        this.connection = connection;
        this.sql = new TicketsSql(connection);
        this.bucket = bucket;
        this.apply = apply;
        this.reseed = reseed;
        this.report = report;
        this.ingest = new FileIngest(connection, apply, reseed ? "reseed" : "apply");
    }

    void run() throws SQLException {
        List<Bucket.Listed> listing = bucket.listChanges();
        List<TicketsSql.Planned> plan = sql.planBucketFiles(listing, reseed);
        connection.rollback();  // the plan is read-only: hold no snapshot while files are fetched

        List<TicketsSql.Planned> work = plan.stream().filter(p -> !"ignore".equals(p.action())).toList();
        long ignored = plan.size() - work.size();
        report.expect(work.size());
        report.note("listed " + bucket.address(Bucket.CHANGES) + ": " + work.size()
                + (work.size() == 1 ? " change file" : " change files")
                + (ignored > 0 ? ", " + ignored + " other " + (ignored == 1 ? "key" : "keys") + " left alone" : "")
                + (reseed ? " (reseed: every change file is ingested again)" : ""));

        for (TicketsSql.Planned p : work) {
            BucketObject file = new BucketObject(bucket, p.key(), p.etag(), p.sizeBytes());
            switch (p.action()) {
                case "ingest" -> ingest(file);
                case "archive" -> archive(file, p.reason());
                case "quarantine" -> quarantine(file, p.reason());
                case "finish_rejection" -> finishRejection(file, p.reason());
                default -> throw new IllegalStateException("tickets.plan_bucket_files answered " + p.action());
            }
        }
    }

    private void ingest(BucketObject file) throws SQLException {
        FileIngest.Outcome outcome = ingest.ingest(file);
        if (outcome instanceof FileIngest.Ingested done) {
            report.ingested(file, done.result(), done.millis());
            if (apply) {
                move(file, Bucket.PROCESSED);
            }
        } else if (outcome instanceof FileIngest.Rejected rejected) {
            report.rejected(file, rejected.rejection().describe());
            if (apply) {
                putAside(file, rejected.rejection().describe());
            }
        }
    }

    /** Applied by an earlier run that could not move it. */
    private void archive(BucketObject file, String why) throws SQLException {
        if (apply) {
            move(file, Bucket.PROCESSED);
        }
        report.moved(file, Bucket.PROCESSED, why);
    }

    /** Same key, another ETag: never silently skipped or reloaded. */
    private void quarantine(BucketObject file, String reason) throws SQLException {
        report.rejected(file, reason);
        if (apply) {
            sql.recordRejectedFile(file.key(), reason, null, file.etag(), file.sizeBytes(), reseed ? "reseed" : "apply");
            connection.commit();
            putAside(file, reason);
        }
    }

    /** Rejected (and reported) by an earlier run that could not move it. */
    private void finishRejection(BucketObject file, String reason) throws SQLException {
        if (apply) {
            putAside(file, reason);
        }
        report.moved(file, Bucket.REJECTED, reason);
    }

    private void putAside(BucketObject file, String reason) throws SQLException {
        bucket.putText(Bucket.REJECTED + file.baseName() + ".error.txt",
                file.key() + " (ETag " + file.etag() + ") was rejected: " + reason + "\n");
        move(file, Bucket.REJECTED);
    }

    private void move(BucketObject file, String folder) throws SQLException {
        String to = folder + file.baseName();
        bucket.move(file.key(), file.etag(), to);
        sql.recordArchived(file.key(), file.etag(), to);
        connection.commit();
    }
}
