package ke.fleettickets;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The moves of committed files to their {@code archive_key} (S3 copy, then delete), a few
 * at a time in the background while the drain ingests the next files. Each file's order
 * stays commit, move, {@code record_archived}: a move starts only after its file's commit,
 * and is recorded only once it is done, so a run killed anywhere leaves a state
 * {@code tickets.plan_bucket_files} recognises, as without the overlap.
 *
 * <p>Recording needs the database: the moves done so far are recorded from the drain's
 * thread between files ({@link #recordDone}), on the drain's connection, in a transaction
 * of their own, never inside a file's. The thread is free there anyway; a second
 * connection would cost a login and gain nothing. (Nor would it wait on the ingest:
 * {@code record_archived} updates the moved file's own ledger row under ROW EXCLUSIVE,
 * which {@code tickets.take_ingest_locks} also takes, and not the ingest lock, row
 * {@code inc} of {@code tickets.import_meta}.)
 *
 * <p>Bounded: at most {@code atOnce} moves are in flight; the drain waits for one to end
 * before it hands over another (a move that hangs holds one place, not the drain). Each
 * move is recorded at the next file. A move that fails stops the drain
 * as it would have without the overlap: the moves already started are waited for and
 * recorded, then the failure (the first one, in the order of commits) is thrown, in the
 * same words.
 */
final class ArchiveMoves {
    /** Moves in flight at once: copy and delete are two round trips each, a far bucket's slowest part. */
    static final int AT_ONCE = 4;

    private final Connection connection;
    private final TicketsSql sql;
    private final Bucket bucket;
    private final int atOnce;
    private final ExecutorService movers;
    /** Hands each move back as it ends, whichever ends first. */
    private final CompletionService<Void> ended;
    /** Started and not yet recorded, in the order of their commits. */
    private final ArrayDeque<Move> started = new ArrayDeque<>();

    /** @param atOnce moves in the background at once; 0 moves each file at once, on the drain's thread */
    ArchiveMoves(Connection connection, Bucket bucket, int atOnce) {
        this.connection = connection;
        this.sql = new TicketsSql(connection);
        this.bucket = bucket;
        this.atOnce = atOnce;
        this.movers = atOnce == 0 ? null : Executors.newFixedThreadPool(atOnce, r -> {
            Thread t = new Thread(r, "fleettickets-archive-move");
            t.setDaemon(true);
            return t;
        });
        this.ended = movers == null ? null : new ExecutorCompletionService<>(movers);
    }

    private record Move(BucketObject file, String to, Future<?> done) {
        /** The move's failure, or null once it succeeded; waits for it to end. */
        RuntimeException failure() {
            try {
                done.get();
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new InfrastructureException(file.label() + ": interrupted while it was moved to " + to, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    return r;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                return new IllegalStateException(e.getCause());
            }
        }
    }

    /**
     * Moves a file whose ingest was just committed; with {@code atOnce} moves unfinished,
     * waits for one of them to end first. Call it with no transaction open: it records the
     * moves done meanwhile.
     */
    void start(BucketObject file, String to) throws SQLException {
        if (movers == null) {
            bucket.move(file.key(), file.etag(), to);
            sql.recordArchived(file.key(), file.etag(), to);
            connection.commit();
            return;
        }
        while (started.stream().filter(m -> !m.done().isDone()).count() >= atOnce) {
            awaitOne();
        }
        recordDone();
        started.add(new Move(file, to, ended.submit(() -> bucket.move(file.key(), file.etag(), to), null)));
    }

    /** Waits until a move ends (or one ended already that was not waited for: the caller counts again). */
    private void awaitOne() {
        try {
            ended.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("interrupted while waiting for the moves to processed/", e);
        }
    }

    /**
     * Records the moves done so far in one transaction, between files. A move that failed
     * ends the drain: see {@link #finish}.
     */
    void recordDone() throws SQLException {
        if (ended != null) {
            while (ended.poll() != null) {
                // counted below by isDone: the queue only wakes awaitOne, and must not grow with the files
            }
        }
        List<Move> done = started.stream().filter(m -> m.done().isDone()).toList();
        if (done.stream().anyMatch(m -> m.failure() != null)) {
            finish();  // throws the failure
            return;
        }
        record(done);
        started.removeAll(done);
    }

    /**
     * Waits for every move started, records those that succeeded, and throws the first
     * failure (in the order of commits), as the drain would have at that file without the
     * overlap. The next run finishes a move that failed (action {@code archive}).
     */
    void finish() throws SQLException {
        List<Move> moved = new ArrayList<>();
        RuntimeException failed = null;
        for (Move m : started) {
            RuntimeException f = m.failure();
            if (f == null) {
                moved.add(m);
            } else if (failed == null) {
                failed = f;
            }
        }
        started.clear();
        try {
            record(moved);
        } catch (SQLException e) {
            if (failed == null) {
                throw e;
            }
            failed.addSuppressed(e);
        }
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * After the drain failed: waits for the moves started and records them, so the ledger
     * knows the files committed before the failure are archived. A move that failed is
     * returned: it came first (its file was committed before the failure), so it is the
     * run's news, as without the overlap; otherwise null, and the drain's failure stands.
     */
    RuntimeException finishAfter(Exception failure) {
        if (movers == null) {
            return null;
        }
        try {
            connection.rollback();  // the failure may have left a transaction open
        } catch (SQLException e) {
            failure.addSuppressed(e);  // finish still waits for the moves; recording them will fail too
        }
        try {
            finish();
            return null;
        } catch (SQLException e) {
            failure.addSuppressed(e);
            return null;
        } catch (RuntimeException moveFailed) {
            moveFailed.addSuppressed(failure);
            return moveFailed;
        } finally {
            movers.shutdownNow();
        }
    }

    /** Lets the movers' threads go; every move started was finished by {@link #finish} or {@link #finishAfter}. */
    void close() {
        if (movers != null) {
            movers.shutdownNow();
        }
    }

    private void record(List<Move> moved) throws SQLException {
        if (moved.isEmpty()) {
            return;
        }
        for (Move m : moved) {
            sql.recordArchived(m.file().key(), m.file().etag(), m.to());
        }
        connection.commit();
    }
}
