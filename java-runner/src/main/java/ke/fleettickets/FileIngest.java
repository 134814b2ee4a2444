package ke.fleettickets;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Ingests one file in one transaction: header to {@code create_staging}, the numbered
 * records to COPY, then {@code ingest_from_staging}; commit when the mode applies, roll
 * back otherwise. A file the database finds bad ({@code tickets.rejects_file}) is
 * recorded as rejected in a transaction of its own; any other failure stops the run.
 */
final class FileIngest {

    /** What became of one file. */
    sealed interface Outcome permits Ingested, Rejected {
    }

    /** @param result the ledger row, as it stands after the commit (or as it would, in a dry run) */
    record Ingested(IngestResult result, long millis) implements Outcome {
    }

    /** @param ledger the rejection's ledger row; null in a dry run, which records nothing */
    record Rejected(Rejection rejection, IngestResult ledger) implements Outcome {
    }

    private final Connection connection;
    private final TicketsSql sql;
    private final LedgerMode mode;
    /** What was being done when a failure struck, for the one line that reports it. */
    private String step;

    FileIngest(Connection connection, LedgerMode mode) {
        this.connection = connection;
        this.sql = new TicketsSql(connection);
        this.mode = mode;
    }

    Outcome ingest(ChangeFile file) {
        long started = System.nanoTime();
        step = "opening it";
        try (FileBytes bytes = new FileBytes(file.open())) {
            Load load = new Load();
            Rejection rejection;
            try {
                IngestResult result = load(file, bytes, load);
                step = mode.applies() ? "commit" : "rollback";
                if (mode.applies()) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
                return new Ingested(result, (System.nanoTime() - started) / 1_000_000);
            } catch (FileRejected e) {
                step = "rollback";
                connection.rollback();
                rejection = e.rejection();
            } catch (SQLException e) {
                String failedStep = step;
                try {
                    connection.rollback();
                    if (e.getSQLState() == null || !sql.rejectsFile(e.getSQLState())) {
                        step = failedStep;
                        throw failure(file, e);
                    }
                } catch (SQLException lost) {
                    step = failedStep;  // the connection is gone: what failed first is the news
                    throw failure(file, e);
                }
                rejection = Rejection.of(e, load.records, load.columns);
            }
            // a download cut short looks like a bad file (a row cut in half, a quote never
            // closed): only a file read whole is rejected, anything else is an outage
            step = "checking it";
            verify(file, bytes);
            IngestResult ledger = null;
            if (mode.applies()) {
                step = "reading it";
                String etag = etag(file, bytes);
                step = "tickets.record_rejected_file";
                ledger = sql.recordRejectedFile(file.key(), rejection.describe(), rejection.line(), etag,
                        file.sizeBytes(), mode);
                connection.commit();
            }
            return new Rejected(rejection, ledger);
        } catch (SQLException e) {
            throw failure(file, e);
        } catch (IOException e) {
            throw new InfrastructureException(file.label() + ": failed while " + step + ": " + OneLine.of(e), e);
        }
    }

    /** What a load got as far as, for the words of a rejection. */
    private static final class Load {
        NumberedRecords records;
        List<String> columns = List.of();
    }

    private IngestResult load(ChangeFile file, FileBytes bytes, Load load)
            throws IOException, SQLException, FileRejected {
        step = "reading its header";
        HeaderLine header = HeaderLine.read(bytes.stream());
        if (header.isBlank()) {
            // only blank lines (and a BOM) make an empty file, like one of zero bytes
            step = "reading it";
            if (blankToTheEnd(bytes)) {
                header = HeaderLine.NONE;
            } else {
                throw new FileRejected(new Rejection(1L, "the header line is blank, and rows follow"));
            }
        }
        step = "tickets.create_staging";
        String target = sql.createStaging(file.key(), header.text());
        if (!header.isEmpty()) {
            load.columns = sql.stagedColumns(file.key());
            load.records = new NumberedRecords(bytes.stream(), 2);
            step = "COPY into " + target.substring(0, target.indexOf(' '));
            try {
                sql.copyIntoStaging(target, load.records);
            } catch (SQLException e) {
                // CopyManager wraps what the stream it reads throws
                FileRejected rejected = framing(e.getCause());
                if (rejected != null) {
                    throw rejected;
                }
                throw e;
            } catch (IOException e) {
                FileRejected rejected = framing(e);
                if (rejected != null) {
                    throw rejected;
                }
                throw e;
            }
        }
        step = "checking it";
        verify(file, bytes);
        String etag = etag(file, bytes);
        step = "tickets.ingest_from_staging";
        return sql.ingestFromStaging(file.key(), etag, file.sizeBytes(), mode);
    }

    /** Whether the rest of the file holds no record: nothing but blank lines. */
    private static boolean blankToTheEnd(FileBytes bytes) throws IOException {
        try (NumberedRecords rest = new NumberedRecords(bytes.stream(), 2)) {
            return rest.read() < 0;
        } catch (NumberedRecords.UnterminatedQuote | NumberedRecords.BareCarriageReturn notBlank) {
            return false;
        }
    }

    /** The rejection for what the framing of records refused, or null for another failure. */
    private static FileRejected framing(Throwable e) {
        if (e instanceof NumberedRecords.UnterminatedQuote u) {
            return new FileRejected(new Rejection(u.line, "unterminated CSV quoted field: the file ends inside it"));
        }
        if (e instanceof NumberedRecords.BareCarriageReturn cr) {
            return new FileRejected(new Rejection(cr.line,
                    "a carriage return outside quotes does not end the line (lines end in LF or CRLF)"));
        }
        return null;
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
            if (function != null && !state.startsWith("FT")) {
                message += " (" + function + ")";
            }
        }
        String hint = NotMigrated.is(e) ? "; is the database migrated? " + NotMigrated.REMEDY : LockWait.holders(connection, e);
        return new InfrastructureException(file.label() + ": " + step + " failed: " + OneLine.of(message)
                + (state.isEmpty() ? "" : " [SQLSTATE " + state + "]") + hint, e);
    }
}
