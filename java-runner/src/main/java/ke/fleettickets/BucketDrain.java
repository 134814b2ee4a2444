package ke.fleettickets;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code --from-bucket}: drains automations/inc/changes/ oldest first. The database decides
 * what each key needs ({@code tickets.plan_bucket_files}) and where each file goes (the
 * ledger's {@code archive_key}); this class does it: ingest and archive to processed/,
 * reject or quarantine to rejected/ with the reason beside it, or only finish a move an
 * earlier run could not. The order always is: database first, then the bucket, so a run
 * killed anywhere leaves the ledger knowing what is left, and the next run finishes it.
 *
 * <p>The bucket's round trips overlap the database's work: the next files are read while
 * one is ingested ({@link ReadAhead}), and an ingested file is moved to processed/ in the
 * background while the next ones are ingested ({@link ArchiveMoves}). Files are still
 * committed one at a time, in plan order, each in its own transaction; memory stays
 * bounded (a few small files held at once). Everything else (rejections, quarantines,
 * moves an earlier run left) is done in line, as it comes. With the overlap off
 * ({@code FLEETTICKETS_DRAIN_OVERLAP=off}, a diagnostic) every step waits for the one
 * before it.
 */
final class BucketDrain {
    private final Connection connection;
    private final TicketsSql sql;
    private final Bucket bucket;
    private final LedgerMode mode;
    private final RunReport report;
    private final FileIngest ingest;
    private final boolean overlap;

    BucketDrain(Connection connection, Bucket bucket, LedgerMode mode, RunReport report, boolean overlap) {
        this.connection = connection;
        this.sql = new TicketsSql(connection);
        this.bucket = bucket;
        this.mode = mode;
        this.report = report;
        this.ingest = new FileIngest(connection, mode);
        this.overlap = overlap;
    }

    void run(boolean reseed) throws SQLException {
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

        List<BucketObject> toIngest = work.stream().filter(p -> "ingest".equals(p.action())).map(this::object).toList();
        ArchiveMoves moves = new ArchiveMoves(connection, bucket, overlap && mode.applies() ? ArchiveMoves.AT_ONCE : 0);
        try (ReadAhead ahead = new ReadAhead(toIngest, overlap ? ReadAhead.FILES : 0, ReadAhead.BYTES)) {
            for (TicketsSql.Planned p : work) {
                moves.recordDone();  // between files: no transaction is open
                BucketObject file = object(p);
                switch (p.action()) {
                    case "ingest" -> ingest(file, ahead.take(file), moves);
                    case "archive" -> finishMove(file, p.archiveKey(), p.reason(), null);
                    case "quarantine" -> quarantine(file, p.reason());
                    case "finish_rejection" -> finishMove(file, p.archiveKey(), p.reason(), p.error());
                    default -> throw new IllegalStateException("tickets.plan_bucket_files answered " + p.action());
                }
            }
            moves.finish();
        } catch (RuntimeException | SQLException e) {
            RuntimeException earlier = moves.finishAfter(e);
            if (earlier != null) {
                throw earlier;
            }
            throw e;
        } finally {
            moves.close();
        }
    }

    private BucketObject object(TicketsSql.Planned p) {
        return new BucketObject(bucket, p.key(), p.etag(), p.sizeBytes());
    }

    /** @param body the file as the read-ahead hands it over: its body read already, or to be streamed */
    private void ingest(BucketObject file, ChangeFile body, ArchiveMoves moves) throws SQLException {
        FileIngest.Outcome outcome = ingest.ingest(body);
        if (outcome instanceof FileIngest.Ingested done) {
            report.ingested(file, done.result(), done.millis());
            if (mode.applies()) {
                moves.start(file, done.result().archiveKey());
            }
        } else if (outcome instanceof FileIngest.Rejected rejected) {
            report.rejected(file, rejected.rejection().describe());
            if (mode.applies()) {
                putAside(file, rejected.ledger().archiveKey(), rejected.rejection().describe());
            }
        }
    }

    /** Same key, another ETag: never silently skipped or reloaded. */
    private void quarantine(BucketObject file, String planned) throws SQLException {
        if (!mode.applies()) {
            report.quarantined(file, planned);
            return;
        }
        IngestResult ledger = sql.recordQuarantinedFile(file.key(), file.etag(), file.sizeBytes(), mode);
        connection.commit();
        report.quarantined(file, ledger.error());
        putAside(file, ledger.archiveKey(), ledger.error());
    }

    /**
     * Recorded by an earlier run that could not move it: only the move is left.
     *
     * @param reason why it was rejected or quarantined, as the ledger says, for its .error.txt; null for an applied file
     */
    private void finishMove(BucketObject file, String to, String why, String reason) throws SQLException {
        if (mode.applies()) {
            if (reason == null) {
                move(file, to);
            } else {
                putAside(file, to, reason);
            }
        }
        report.moved(file, to, why);
    }

    /** A rejected or quarantined file goes to rejected/, its reason beside it; no version overwrites another. */
    private void putAside(BucketObject file, String to, String reason) throws SQLException {
        bucket.putText(to + ".error.txt", file.key() + " (ETag " + file.etag() + ") was set aside: " + reason + "\n");
        move(file, to);
    }

    private void move(BucketObject file, String to) throws SQLException {
        bucket.move(file.key(), file.etag(), to);
        sql.recordArchived(file.key(), file.etag(), to);
        connection.commit();
    }
}
