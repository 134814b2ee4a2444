package ke.fleettickets;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import ke.fleettickets.web.DashboardServer;
import ke.fleettickets.web.ServerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The live map over HTTP: the read API as JSON, the page and its libraries, /healthz. */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serves the live INC map: GET /api/inc/dashboard, /api/inc/map and",
            "/api/inc/nearest (the SQL read API's JSON as it comes), the page at /, its",
            "libraries under /webjars/, and /healthz. It reads as fleettickets_reader",
            "when its login may, and writes nothing.",
            "The database comes from DASHBOARD_DATABASE_URL, else DATABASE_URL.",
            "DASHBOARD_TOKEN (optional) is then needed for the API and the page: as a",
            "bearer token, or the cookie the /login form sets. DASHBOARD_CORS_ORIGIN",
            "(optional) lets the pages of one other origin call the API.",
            "It runs until stopped (SIGTERM, Ctrl-C), then lets the requests under way",
            "finish."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "2:usage or configuration error (a bad option, DASHBOARD_TOKEN, DASHBOARD_CORS_ORIGIN or database URL)",
            "4:the address cannot be listened on (in use, not this host's)"
        })
final class ServeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = ServerSettings.DEFAULT_BIND,
            description = "Address to listen on (default: ${DEFAULT-VALUE}, every interface, as in a container).")
    private String bind;

    @Option(names = "--port", paramLabel = "PORT",
            description = "Port to listen on (default: $PORT, else " + ServerSettings.DEFAULT_PORT + "; 0: any free port).")
    private Integer port;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json: one JSON object per line, for log collectors.")
    private String logFormat;

    private final Settings settings;

    ServeCommand(Settings settings) {
        this.settings = settings;
    }

    RunReport.Format format() {
        return "json".equalsIgnoreCase(logFormat) ? RunReport.Format.JSON : RunReport.Format.TEXT;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!"text".equalsIgnoreCase(logFormat) && !"json".equalsIgnoreCase(logFormat)) {
            throw usage("--log-format is text or json, not " + logFormat);
        }
        if (port != null && (port < 0 || port > 65535)) {
            throw usage("--port is a port number from 0 to 65535, not " + port);
        }
        try {
            InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw usage("--bind is an address of this host (e.g. 0.0.0.0 or 127.0.0.1), not " + bind);
        }
        ServerSettings server = settings.server(bind, port);
        ServeReport report = new ServeReport(spec.commandLine().getOut(), spec.commandLine().getErr(), format());
        boundHttpExchanges();

        DashboardServer running;
        try {
            running = DashboardServer.start(server, report);
        } catch (IOException e) {
            throw new InfrastructureException("serve: cannot listen on " + server.bind() + ":" + server.port() + ": "
                    + OneLine.of(e.getMessage() != null ? e.getMessage() : e.toString()), e);
        }
        // the hook first: a SIGTERM while the start-up lines are written (the role check may
        // wait for a database that is down) still stops the server gracefully
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                long started = System.nanoTime();
                report.note("stopping: no new connections; the requests under way get up to "
                        + running.grace().toSeconds() + " s");
                int left = running.stop();
                long ms = (System.nanoTime() - started) / 1_000_000;
                report.note("stopped in " + ms + " ms" + (left > 0 ? "; " + left + " requests were cut off" : ""));
            } finally {
                stopped.countDown();
            }
        }, "serve-shutdown"));
        InetSocketAddress address = running.address();
        String host = server.bind().contains(":") ? "[" + server.bind() + "]" : server.bind();
        report.note("listening on http://" + host + ":" + address.getPort()
                + " (the map at /, the API under /api/inc/, /healthz)");
        report.note(readingAs(running, server));
        report.note(server.tokenRequired()
                ? "the API and the page need DASHBOARD_TOKEN: a bearer token, or the cookie of /login"
                : "the API and the page are open to whoever reaches this port (DASHBOARD_TOKEN is not set)");
        if (server.corsOrigin() != null) {
            report.note("pages from " + server.corsOrigin() + " may call the API (CORS)");
        }

        stopped.await();
        return ExitCode.OK;
    }

    /** The startup line that says which role the server reads as, or that the database does not answer yet. */
    private static String readingAs(DashboardServer running, ServerSettings server) {
        String where = server.database().where();
        try {
            DashboardServer.Identity who = running.identity();
            if (who.reader()) {
                return "reading " + where + " as fleettickets_reader (login " + who.login() + "): it can write nothing";
            }
            return "reading " + where + " as " + who.role() + ", not as fleettickets_reader (the login is not a member):"
                    + " its transactions are read-only, but the read API may refuse it; GRANT fleettickets_reader TO "
                    + who.login() + ";";
        } catch (SQLException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "the database at " + where + " does not answer yet (" + OneLine.of(cause.getMessage())
                    + "); /healthz answers 503 until it does";
        }
    }

    /**
     * The JDK's HTTP server waits forever for a slow client unless told otherwise; these
     * bound reading a request and writing an answer (seconds). Read once, when it first starts.
     */
    private static void boundHttpExchanges() {
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "30");
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", "120");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
