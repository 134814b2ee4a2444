package ke.fleettickets;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The one Flyway configuration: versioned migrations, then the repeatable functions,
 * both read from the jar. The CLI and the test harness migrate databases through here.
 */
public final class Migrations {
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

    /** Package-private for the upgrade test, which migrates part of the way with the same settings. */
    static FluentConfiguration configure() {
        return Flyway.configure()
                .locations("classpath:db/migrations", "classpath:db/functions")
                // PL/pgSQL bodies may contain ${...} text of their own
                .placeholderReplacement(false);
    }
}
