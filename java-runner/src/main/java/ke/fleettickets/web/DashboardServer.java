package ke.fleettickets.web;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpServer;

/**
 * {@code fleettickets serve}: the JDK's HTTP server on a bounded pool of threads, in front
 * of a bounded pool of reader sessions. Started by {@link #start}, ended by {@link #stop}:
 * stop listening, let the requests under way finish (a few seconds at most), close the
 * database sessions.
 */
public final class DashboardServer {

    /** What the server tells its operator; the command prints it. */
    public interface Listener {
        /** One line per request: the path without its query (which may hold anything). */
        void request(String method, String path, int status, long bytes, long millis);

        /** A request that failed on the server's side, or a failed health check. */
        void failed(String method, String path, String reason);
    }

    /** Who the server's sessions read as, and the login behind it. */
    public record Identity(String role, String login) {
        public boolean reader() {
            return ReaderPool.READER_ROLE.equals(role);
        }
    }

    /**
     * The bounds: database sessions, how long a statement may run and how long a request
     * waits for a session (so a database that is down is a quick 503), request threads,
     * and how long a stop waits for the requests under way.
     */
    record Tuning(int poolSize, Duration statementTimeout, Duration connectionTimeout, int threads, Duration grace) {
        static final Tuning DEFAULT = new Tuning(4, Duration.ofSeconds(10), Duration.ofSeconds(3), 8,
                Duration.ofSeconds(5));
    }

    /** Requests waiting for a thread beyond this are run by the thread that accepts connections, which slows intake. */
    private static final int QUEUE = 64;

    private final HttpServer http;
    private final ThreadPoolExecutor threads;
    private final ReaderPool pool;
    private final Router router;
    private final InFlight inFlight;
    private final Duration grace;
    private boolean stopped;

    private DashboardServer(HttpServer http, ThreadPoolExecutor threads, ReaderPool pool, Router router,
            InFlight inFlight, Duration grace) {
        this.http = http;
        this.threads = threads;
        this.pool = pool;
        this.router = router;
        this.inFlight = inFlight;
        this.grace = grace;
    }

    /** @throws IOException when the address cannot be listened on (in use, not this host's) */
    public static DashboardServer start(ServerSettings settings, Listener listener) throws IOException {
        return start(settings, listener, Tuning.DEFAULT, () -> null);
    }

    /** @param pinnedNow the p_now every SQL call gets, for tests; a supplier of null for the database's clock */
    static DashboardServer start(ServerSettings settings, Listener listener, Tuning tuning,
            Supplier<OffsetDateTime> pinnedNow) throws IOException {
        // the address first: a server that cannot listen never starts its pool
        HttpServer http = HttpServer.create(new InetSocketAddress(settings.bind(), settings.port()), 0);
        ReaderPool pool = null;
        try {
            pool = new ReaderPool(settings.database(), tuning);
            ReadApi api = new ReadApi(pool.dataSource(), pinnedNow);
            Router router = new Router(new ApiHandler(api), new HealthCheck(api),
                    settings.tokenRequired() ? new AccessToken(settings.token()) : null,
                    new Cors(settings.corsOrigin()), settings.page(), listener);
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor threads = new ThreadPoolExecutor(tuning.threads(), tuning.threads(), 60, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(QUEUE), r -> {
                        Thread t = new Thread(r, "serve-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.CallerRunsPolicy());
            http.createContext("/", router);
            // counted from the moment a request is handed over, so a stop waits for those queued too
            InFlight inFlight = new InFlight();
            http.setExecutor(exchange -> {
                inFlight.enter();
                threads.execute(() -> {
                    try {
                        exchange.run();
                    } finally {
                        inFlight.leave();
                    }
                });
            });
            http.start();
            return new DashboardServer(http, threads, pool, router, inFlight, tuning.grace());
        } catch (RuntimeException e) {
            http.stop(0);
            if (pool != null) {
                pool.close();
            }
            throw e;
        }
    }

    /** Where it listens (the port chosen, when 0 was asked for). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** @throws SQLException when the database does not answer */
    public Identity identity() throws SQLException {
        return pool.identity();
    }

    public Duration grace() {
        return grace;
    }

    /**
     * Stops listening at once, waits up to the grace for the requests under way (each answer
     * from now on closes its connection), then closes every connection and database session.
     *
     * @return the requests still running when the grace ran out (0 for a clean stop)
     */
    public int stop() {
        synchronized (this) {
            if (stopped) {
                return 0;
            }
            stopped = true;
        }
        router.stopping();
        // HttpServer.stop closes the listening socket first, then waits out the delay
        Thread listener = new Thread(() -> http.stop((int) Math.max(1, grace.toSeconds())), "serve-stop");
        listener.setDaemon(true);
        listener.start();
        int left;
        try {
            left = inFlight.awaitNone(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            left = -1;
        }
        // JDK 17's stop waits out its whole delay even when nothing is left: end it now
        http.stop(0);
        threads.shutdown();
        pool.close();
        return left;
    }
}
