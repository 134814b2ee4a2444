package ke.fleettickets;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.flywaydb.core.api.output.MigrateResult;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Brings the database schema and functions up to the SQL the jar carries. */
@Command(name = "migrate",
        mixinStandardHelpOptions = true,
        description = "Applies pending migrations and refreshes the SQL functions (Flyway).")
final class MigrateCommand implements Callable<Integer> {

    /** Held here: java.util.logging keeps loggers only weakly, and would forget the settings. */
    private static final Logger FLYWAY_LOG = Logger.getLogger("org.flywaydb");

    @Spec
    private CommandSpec spec;

    private final Settings settings;

    MigrateCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() throws SQLException {
        DatabaseUrl url = settings.databaseUrl();
        // fails with the same plain message as an ingest when the database is unreachable
        Database.connect(url).close();
        MigrateResult result = quietly(spec.commandLine().getErr(), () -> Migrations.migrate(url));
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        int applied = result.migrationsExecuted;
        PrintWriter out = spec.commandLine().getOut();
        out.println("migrate: " + (applied == 0 ? "nothing to apply" : "applied " + applied
                + (applied == 1 ? " migration" : " migrations"))
                + "; schema version " + (version == null ? "none" : version) + " at " + Escaped.of(url.where()));
        return ExitCode.OK;
    }

    /**
     * Without a logging library Flyway logs through java.util.logging: two lines per step
     * on stderr. Only its warnings are worth an operator's attention, one line each.
     */
    private static <T> T quietly(PrintWriter err, Supplier<T> work) {
        Handler warnings = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    err.println("fleettickets: migrate: " + OneLine.of(record.getMessage()));
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
            }
        };
        Level level = FLYWAY_LOG.getLevel();
        FLYWAY_LOG.setLevel(Level.WARNING);
        FLYWAY_LOG.setUseParentHandlers(false);
        FLYWAY_LOG.addHandler(warnings);
        try {
            return work.get();
        } finally {
            FLYWAY_LOG.removeHandler(warnings);
            FLYWAY_LOG.setUseParentHandlers(true);
            FLYWAY_LOG.setLevel(level);
        }
    }
}
