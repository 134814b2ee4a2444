package ke.fleettickets;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.UncheckedIOException;
import java.sql.SQLException;

import org.flywaydb.core.api.FlywayException;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place a failure becomes an exit code and one line on stderr, prefixed
 * {@code fleettickets: }. Stack traces are for bugs, not for operators.
 */
final class FailureReport implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private static final String PREFIX = "fleettickets: ";

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        String help = cli.getCommandSpec().qualifiedName() + " --help";
        String line = OneLine.of(e.getMessage()) + " (see " + help + ")";
        // the options were not parsed, so --log-format is looked for in the words themselves
        if (asksForJson(args)) {
            printEvent(cli.getErr(), ExitCode.USAGE, line);
        } else {
            print(cli.getErr(), line);
        }
        return ExitCode.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        boolean json = cli.getCommand() instanceof IngestCommand ingest && ingest.format() == RunReport.Format.JSON
                || cli.getCommand() instanceof ServeCommand serve && serve.format() == RunReport.Format.JSON;
        int exit = report(e, json ? new PrintWriter(java.io.Writer.nullWriter()) : cli.getErr());
        if (json) {
            printEvent(cli.getErr(), exit, lastLine);
        }
        return exit;
    }

    /** {@code --log-format json} or {@code --log-format=json}, any case, among the arguments. */
    static boolean asksForJson(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equalsIgnoreCase("--log-format=json")
                    || (args[i].equals("--log-format") && i + 1 < args.length && args[i + 1].equalsIgnoreCase("json"))) {
                return true;
            }
        }
        return false;
    }

    private static void printEvent(PrintWriter err, int exit, String message) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", "error");
        event.put("exit", exit);
        event.put("message", message);
        err.println(Json.object(event));
        err.flush();
    }

    /** The last line printed (or, for --log-format json, to be printed as an event). */
    private String lastLine;

    private int report(Exception e, PrintWriter err) {
        if (e instanceof UsageException) {
            print(err, e.getMessage());
            return ExitCode.USAGE;
        }
        if (e instanceof LockedException) {
            print(err, e.getMessage());
            return ExitCode.LOCKED;
        }
        if (e instanceof InfrastructureException) {
            print(err, e.getMessage());
        } else if (e instanceof FlywayException flyway) {
            print(err, MigrationFailure.describe(flyway));
        } else if (e instanceof SQLException) {
            print(err, "database error: " + OneLine.of(e.getMessage()));
        } else if (e instanceof IOException io) {
            print(err, "I/O failure: " + OneLine.of(io));
        } else if (e instanceof UncheckedIOException io) {
            print(err, "I/O failure: " + OneLine.of(io.getCause()));
        } else {
            print(err, "unexpected failure: " + OneLine.of(e.toString()));
        }
        return ExitCode.INFRASTRUCTURE;
    }

    /**
     * Messages come flattened from where they are made; what is left is data (a path, a
     * key) whose control characters must show, not vanish into a space.
     */
    private void print(PrintWriter err, String line) {
        lastLine = line == null ? "" : Escaped.of(line.strip());
        err.println(PREFIX + lastLine);
        err.flush();
    }
}
