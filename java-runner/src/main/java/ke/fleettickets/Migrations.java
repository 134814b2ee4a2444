package ke.fleettickets;

import java.io.PrintWriter;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The one Flyway configuration: versioned migrations, then the repeatable functions,
 * both read from the jar. The CLI and the test harness migrate databases through here.
 */
public final class Migrations {
    /** Held here: java.util.logging keeps loggers only weakly, and would forget the settings. */
    private static final Logger FLYWAY_LOG = Logger.getLogger("org.flywaydb");

    private Migrations() {
    }

    public static MigrateResult migrate(DataSource dataSource) {
        return configure().dataSource(dataSource).load().migrate();
    }

    public static MigrateResult migrate(String jdbcUrl, String user, String password) {
        return configure().dataSource(jdbcUrl, user, password).load().migrate();
    }

    static MigrateResult migrate(DatabaseUrl url) {
        return migrate(url.jdbcUrl(), url.user(), url.password());
    }

    /**
     * What Flyway knows: the migrations applied and those the jar carries that are not.
     * Writes nothing: every session it opens refuses writes.
     */
    static MigrationInfoService info(DatabaseUrl url) {
        return configure().dataSource(url.jdbcUrl(), url.user(), url.password())
                .initSql("SET SESSION default_transaction_read_only = on")
                .load().info();
    }

    /**
     * Without a logging library Flyway logs through java.util.logging: two lines per step
     * on stderr. Only its warnings are worth an operator's attention, one line each.
     */
    static <T> T quietly(PrintWriter err, String command, Supplier<T> work) {
        Handler warnings = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    err.println("fleettickets: " + command + ": " + OneLine.of(record.getMessage()));
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

    /** Package-private for the upgrade test, which migrates part of the way with the same settings. */
    static FluentConfiguration configure() {
        return Flyway.configure()
                .locations("classpath:db/migrations", "classpath:db/functions")
                // PL/pgSQL bodies may contain ${...} text of their own
                .placeholderReplacement(false);
    }
}
