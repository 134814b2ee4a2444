package ke.fleettickets;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command: ingests local INC change files, oldest first, one transaction each. */
@Command(name = "fleettickets",
        mixinStandardHelpOptions = true,
        version = "fleettickets 0.1.0",
        description = {
            "Ingests the INC ticket change stream (CSV files) into PostgreSQL.",
            "Without --apply it is a dry run: every file is loaded and checked, then rolled back.",
            "The database comes from the environment variable DATABASE_URL."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every file ingested",
            "2:usage or configuration error",
            "3:at least one file rejected, the rest processed",
            "4:database unreachable, I/O failure, unexpected SQL error"
        })
final class IngestCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--inc-csv", arity = "1..*", paramLabel = "FILE",
            description = "Local INC change files; ingested in byte order of their names.")
    private List<Path> files;

    @Option(names = "--apply", description = "Commit the changes (otherwise a dry run).")
    private boolean apply;

    @Option(names = "--key", paramLabel = "KEY",
            description = "Ledger key to record for the one file given (default: its base name).")
    private String key;

    @Option(names = "--quiet", description = "Print only errors and the closing summary line.")
    private boolean quiet;

    private final Settings settings;

    IngestCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() {
        if (files == null || files.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "nothing to do: give --inc-csv FILE... or a command (migrate, generate)");
        }
        if (key != null && files.size() != 1) {
            throw new ParameterException(spec.commandLine(), "--key needs exactly one --inc-csv file");
        }
        if (key != null && key.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--key must not be blank");
        }
        List<InputFile> inputs = InputFile.resolve(files, key);
        DatabaseUrl url = settings.databaseUrl();

        long started = System.nanoTime();
        RunReport report = new RunReport(spec.commandLine().getOut(), spec.commandLine().getErr(),
                !apply, quiet, inputs.size());
        try (Connection connection = Database.connect(url)) {
            FileIngest ingest = new FileIngest(connection, apply);
            for (InputFile file : inputs) {
                FileIngest.Outcome outcome = ingest.ingest(file);
                if (outcome instanceof FileIngest.Ingested done) {
                    report.ingested(file, done.result(), done.millis());
                } else if (outcome instanceof FileIngest.Rejected rejected) {
                    report.rejected(file, rejected.rejection());
                }
            }
        } catch (SQLException e) {
            // only close() throws this; every file is already committed or rolled back
        }
        report.finish((System.nanoTime() - started) / 1_000_000);
        return report.anyRejected() ? ExitCode.REJECTED_INPUT : ExitCode.OK;
    }
}
