package ke.fleettickets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.sql.Connection;
import java.sql.SQLException;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Ingests one file in one transaction: header to {@code create_staging}, the bytes to
 * COPY, then {@code ingest_from_staging}; commit with --apply, roll back otherwise. A
 * file the database refuses is recorded as rejected in a transaction of its own.
 */
final class FileIngest {

    /** What became of one file. */
    sealed interface Outcome permits Ingested, Rejected {
    }

    record Ingested(IngestResult result, long millis) implements Outcome {
    }

    record Rejected(Rejection rejection) implements Outcome {
    }

    private final Connection connection;
    private final TicketsSql sql;
    private final boolean apply;
    /** The ledger mode of an applied run: manual (local files), apply or reseed (the bucket). */
    private final String appliedMode;
    /** What was being done when a failure struck, for the one line that reports it. */
    private String step;

    FileIngest(Connection connection, boolean apply, String appliedMode) {
        this.connection = connection;
        this.sql = new TicketsSql(connection);
        this.apply = apply;
        this.appliedMode = appliedMode;
    }

    Outcome ingest(ChangeFile file) {
        long started = System.nanoTime();
        step = "opening it";
        try (FileBytes bytes = new FileBytes(file.open())) {
            Rejection rejection;
            try {
                IngestResult result = load(file, bytes);
                step = apply ? "commit" : "rollback";
                if (apply) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
                return new Ingested(result, (System.nanoTime() - started) / 1_000_000);
            } catch (FileRejected e) {
                rejection = e.rejection();
            } catch (SQLException e) {
                rejection = Rejection.of(e);
                if (rejection == null) {
                    throw failure(file, e);
                }
            }
            step = "rollback";
            connection.rollback();
            if (apply) {
                step = "reading it";
                String etag = etag(file, bytes);
                step = "tickets.record_rejected_file";
                sql.recordRejectedFile(file.key(), rejection.reason(), rejection.line(), etag,
                        file.sizeBytes(), mode());
                connection.commit();
            }
            return new Rejected(rejection);
        } catch (SQLException e) {
            throw failure(file, e);
        } catch (IOException e) {
            throw new InfrastructureException(file.label() + ": failed while " + step + ": " + OneLine.of(e), e);
        }
    }

    private IngestResult load(ChangeFile file, FileBytes bytes) throws IOException, SQLException, FileRejected {
        step = "reading its header";
        HeaderLine header = HeaderLine.read(bytes.stream());
        step = "tickets.create_staging";
        String table = sql.createStaging(file.key(), header.text());
        if (!header.isEmpty()) {
            step = "COPY into " + table;
            // the header bytes were read already: COPY gets them back, then the rest
            try {
                sql.copyIntoStaging(table, new CopyEndGuard(
                        new SequenceInputStream(new ByteArrayInputStream(header.bytes()), bytes.stream())));
            } catch (CopyEndGuard.EndMarkerFound e) {
                throw new FileRejected(new Rejection(e.line,
                        "a line holding only \\. (the end-of-data marker of COPY) would drop every row after it"));
            }
        }
        step = "checking it";
        verify(file, bytes);
        String etag = etag(file, bytes);
        step = "tickets.ingest_from_staging";
        return sql.ingestFromStaging(file.key(), etag, file.sizeBytes(), mode());
    }

    private String mode() {
        return apply ? appliedMode : "dry_run";
    }

    /**
     * A download cut short reads as a shorter, valid file: compare what was read with the
     * size the source announced, and with the ETag where that is an MD5 (single-part).
     */
    private static void verify(ChangeFile file, FileBytes bytes) throws IOException {
        long read = bytes.size();
        if (read != file.sizeBytes()) {
            throw new InfrastructureException(file.label() + ": read " + read + " bytes but it has " + file.sizeBytes()
                    + " (the transfer was cut short, or the file changed while it was read); nothing of it was applied");
        }
        String known = file.knownEtag();
        if (known != null && known.matches("[0-9a-fA-F]{32}") && !known.equalsIgnoreCase(bytes.etag())) {
            throw new InfrastructureException(file.label() + ": the bytes read have MD5 " + bytes.etag()
                    + " but the object's ETag is " + known + "; nothing of it was applied");
        }
    }

    /** The bucket's ETag when the source has one (a multipart ETag is no MD5), else the MD5. */
    private static String etag(ChangeFile file, FileBytes bytes) throws IOException {
        return file.knownEtag() != null ? file.knownEtag() : bytes.etag();
    }

    private InfrastructureException failure(ChangeFile file, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage();
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        if (server != null) {
            // the message and the function and line it came from; the full context is in the server log
            message = server.getMessage();
            if (server.getDetail() != null) {
                message += ": " + server.getDetail();
            }
            String function = server.getWhere() == null ? null : server.getWhere().lines()
                    .filter(l -> l.startsWith("PL/pgSQL function")).findFirst().orElse(null);
            if (function != null) {
                message += " (" + function + ")";
            }
        }
        String hint = NotMigrated.is(e) ? "; is the database migrated? " + NotMigrated.REMEDY : "";
        return new InfrastructureException(file.label() + ": " + step + " failed: " + OneLine.of(message)
                + (state.isEmpty() ? "" : " [SQLSTATE " + state + "]") + hint, e);
    }
}
