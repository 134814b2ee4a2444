package ke.fleettickets;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import picocli.CommandLine;

/** Entry point: {@code fleettickets [--inc-csv FILE... [--apply]] | migrate | generate | serve | status | config}. */
public final class Main {
    /** Held here: java.util.logging keeps loggers only weakly, and would forget the level. */
    private static final Logger DRIVER_LOG = Logger.getLogger("org.postgresql");

    private Main() {
    }

    public static void main(String[] args) {
        // the driver's warnings are two-line log records; what matters reaches us as exceptions
        DRIVER_LOG.setLevel(Level.OFF);
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Runs one command line against the given environment and streams; the exit code is
     * returned, never passed to System.exit, so tests can call it.
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Settings settings = new Settings(env);
        PrintWriter stdout = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter stderr = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        FailureReport failures = new FailureReport();
        CommandLine cli = new CommandLine(new IngestCommand(settings))
                .addSubcommand(new MigrateCommand(settings))
                .addSubcommand(new GenerateCommand())
                .addSubcommand(new ServeCommand(settings))
                .addSubcommand(new StatusCommand(settings))
                .addSubcommand(new ConfigCommand(settings))
                .addSubcommand(new WarmUpCommand())
                .setOut(stdout)
                .setErr(stderr)
                .setExecutionExceptionHandler(failures)
                .setParameterExceptionHandler(failures);
        try {
            return cli.execute(args);
        } finally {
            stdout.flush();
            stderr.flush();
        }
    }
}
