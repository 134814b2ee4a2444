package ke.fleettickets;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Writes a made-up INC change stream, for tests, demos and benchmarks. */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a realistic day (or --days N days) of INC change files (messy parts",
            "included) to a folder.",
            "The same --seed always writes the same bytes."
        })
final class GenerateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder to write the files to.")
    private Path out;

    @Option(names = "--files", paramLabel = "N", defaultValue = "44",
            description = "Files per day, one every 20 minutes from 06:00 EAT (default: ${DEFAULT-VALUE}).")
    private int files;

    @Option(names = "--tickets", paramLabel = "N", defaultValue = "400",
            description = "Tickets opened each day (default: ${DEFAULT-VALUE}).")
    private int tickets;

    @Option(names = "--days", paramLabel = "N", defaultValue = "1",
            description = "Consecutive days from --day, each with --files files and --tickets new tickets of its own;"
                    + " a ticket lives on into the next days until it is closed (default: ${DEFAULT-VALUE}).")
    private int days;

    @Option(names = "--rows", paramLabel = "N",
            description = "Write N rows in all, spread over the files, instead of simulating the day"
                    + " (with --files 1: one big file, for benchmarks).")
    private Long rows;

    @Option(names = "--day", paramLabel = "YYYY-MM-DD", defaultValue = "2026-06-22",
            description = "The (first) day the files are from (default: ${DEFAULT-VALUE}).")
    private LocalDate day;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() throws Exception {
        SampleStream stream;
        try {
            stream = new SampleStream(day, days, files, tickets, rows, seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        SampleStream.Written written = stream.writeTo(out);
        spec.commandLine().getOut().println("generate: wrote " + written.files().size()
                + (written.files().size() == 1 ? " file, " : " files, ") + written.rows() + " rows to " + Escaped.of(out.toString())
                + " (" + written.files().get(0).getFileName()
                + (written.files().size() > 1 ? " .. " + written.files().get(written.files().size() - 1).getFileName() : "")
                + ", seed " + seed + ")");
        return ExitCode.OK;
    }
}
