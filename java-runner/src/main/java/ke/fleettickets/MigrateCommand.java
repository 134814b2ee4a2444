package ke.fleettickets;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.concurrent.Callable;

import org.flywaydb.core.api.output.MigrateResult;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Brings the database schema and functions up to the SQL the jar carries. */
@Command(name = "migrate",
        mixinStandardHelpOptions = true,
        description = "Applies pending migrations and refreshes the SQL functions (Flyway).")
final class MigrateCommand implements Callable<Integer> {

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
        MigrateResult result = Migrations.quietly(spec.commandLine().getErr(), "migrate",
                () -> Migrations.migrate(url));
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        int applied = result.migrationsExecuted;
        PrintWriter out = spec.commandLine().getOut();
        out.println("migrate: " + (applied == 0 ? "nothing to apply" : "applied " + applied
                + (applied == 1 ? " migration" : " migrations"))
                + "; schema version " + (version == null ? "none" : version) + " at " + Escaped.of(url.where()));
        return ExitCode.OK;
    }
}
