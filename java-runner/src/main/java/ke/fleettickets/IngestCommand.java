package ke.fleettickets;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import ke.fleettickets.geocoding.Candidate;
import ke.fleettickets.geocoding.Gazetteer;
import ke.fleettickets.geocoding.Geocoder;
import ke.fleettickets.geocoding.GeocoderSettings;
import ke.fleettickets.geocoding.GeocodingSql;
import ke.fleettickets.geocoding.KeyRefused;
import ke.fleettickets.geocoding.LocationIq;
import ke.fleettickets.geocoding.Provider;
import ke.fleettickets.geocoding.RateLimiter;
import ke.fleettickets.geocoding.Ticker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The root command: drains the bucket's change stream (--from-bucket) or ingests local
 * files (--inc-csv), oldest first, one transaction per file, one run at a time; after an
 * applied ingest (or alone, --capture-history) captures history; then, when asked,
 * geocodes cluster centres and location texts (--geocode-clusters, --geocode-locations).
 */
@Command(name = "fleettickets",
        mixinStandardHelpOptions = true,
        version = "fleettickets 0.1.0",
        description = {
            "Ingests the INC ticket change stream (CSV files) into PostgreSQL.",
            "Without --apply it is a dry run: each file is loaded, checked and rolled",
            "back, and nothing changes in the database or the bucket.",
            "After the files of an --apply run (even when there were none), history is",
            "captured in a transaction of its own (tickets.capture_history: closures since",
            "the last capture, and the day's backlog); --capture-history runs it alone.",
            "--geocode-clusters and --geocode-locations (alone, or after the ingest) ask",
            "the geocoder where the clusters and location texts the database lists are;",
            "without --apply they only list the queries and the requests they would make.",
            "The database comes from DATABASE_URL, the bucket from RUSTFS_* variables,",
            "the geocoder from GEOCODER_API_KEY (unset: the offline gazetteer),",
            "GEOCODER_BASE_URL and GEOCODER_REQUESTS_PER_SECOND."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (also when the geocoder's daily limit stopped the geocoding)",
            "2:usage or configuration error (also a geocoder key refused)",
            "3:at least one file rejected, the rest processed",
            "4:database or S3 unreachable, the history capture or the geocoder failing, I/O failure, unexpected SQL error (files committed before it stay committed)",
            "5:another fleettickets run holds the lock"
        })
final class IngestCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--from-bucket",
            description = "Drain automations/inc/changes/ of the bucket: ingest new files, then move them to processed/ (or rejected/).")
    private boolean fromBucket;

    @Option(names = "--inc-csv", arity = "1..*", paramLabel = "FILE",
            description = "Local INC change files; ingested in byte order of their names.")
    private List<Path> files;

    @Option(names = "--apply", description = "Commit the changes (otherwise a dry run).")
    private boolean apply;

    @Option(names = "--reseed",
            description = "With --from-bucket: ingest every file under changes/ again, whatever the ledger says (bucket cutover).")
    private boolean reseed;

    @Option(names = "--key", paramLabel = "KEY",
            description = "Ledger key to record for the one --inc-csv file given (default: its base name).")
    private String key;

    @Option(names = "--capture-history",
            description = "Capture history (tickets.capture_history): the closures since the last capture and the"
                    + " day's backlog. Needed only without an ingest: an --apply ingest captures after its files anyway."
                    + " Without --apply it is a dry run: called, reported and rolled back.")
    private boolean captureHistory;

    @Option(names = "--geocode-clusters",
            description = "Find a centre for each cluster code that has none (after the ingest, if one is asked for).")
    private boolean geocodeClusters;

    @Option(names = "--geocode-locations",
            description = "Geocode the location texts of tickets (after --geocode-clusters, if given).")
    private boolean geocodeLocations;

    @Option(names = "--max-requests", paramLabel = "N",
            description = "At most N requests to LocationIQ in this run, retries included (default: "
                    + DEFAULT_MAX_REQUESTS + ").")
    private Integer maxRequests;

    @Option(names = "--quiet", description = "Print only errors and the closing summary line.")
    private boolean quiet;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json: one JSON object per line, for log collectors.")
    private String logFormat;

    static final int DEFAULT_MAX_REQUESTS = 500;

    private final Settings settings;

    IngestCommand(Settings settings) {
        this.settings = settings;
    }

    RunReport.Format format() {
        return "json".equalsIgnoreCase(logFormat) ? RunReport.Format.JSON : RunReport.Format.TEXT;
    }

    @Override
    public Integer call() {
        boolean local = files != null && !files.isEmpty();
        boolean geocode = geocodeClusters || geocodeLocations;
        if (local && fromBucket) {
            throw usage("give either --from-bucket or --inc-csv FILE..., not both");
        }
        if (maxRequests != null && !geocode) {
            throw usage("--max-requests goes with --geocode-clusters or --geocode-locations");
        }
        if (!local && !fromBucket && !geocode && !captureHistory) {
            throw usage("nothing to do: give --from-bucket, --inc-csv FILE..., --capture-history, --geocode-clusters,"
                    + " --geocode-locations or a command (migrate, status, config, generate, serve)");
        }
        if (maxRequests != null && maxRequests < 1) {
            throw usage("--max-requests must be at least 1, not " + maxRequests);
        }
        if (!"text".equalsIgnoreCase(logFormat) && !"json".equalsIgnoreCase(logFormat)) {
            throw usage("--log-format is text or json, not " + logFormat);
        }
        if (reseed && !fromBucket) {
            throw usage("--reseed goes with --from-bucket");
        }
        if (key != null && (!local || files.size() != 1)) {
            throw usage("--key needs exactly one --inc-csv file");
        }
        if (key != null && key.isBlank()) {
            throw usage("--key must not be blank");
        }
        List<InputFile> inputs = local ? InputFile.resolve(files, key) : List.of();
        BucketSettings bucketSettings = fromBucket ? settings.bucket() : null;
        boolean overlap = fromBucket && settings.drainOverlap();
        DatabaseUrl url = settings.databaseUrl();
        Timeouts timeouts = settings.timeouts();  // a bad value is a usage error before anything starts
        GeocoderSettings geocoder = geocode ? settings.geocoder() : null;

        long started = System.nanoTime();
        RunReport report = new RunReport(spec.commandLine().getOut(), spec.commandLine().getErr(),
                !apply, quiet, format());
        // Building the S3 client is most of a no-op run's start-up: do it while the database connects.
        CompletableFuture<Bucket> bucketClient = fromBucket
                ? CompletableFuture.supplyAsync(() -> new Bucket(bucketSettings)) : null;
        LedgerMode mode = LedgerMode.of(fromBucket, reseed, apply);
        try (Connection connection = Database.connect(url, timeouts); RunnerLock held = lock(connection, url)) {
            if (fromBucket) {
                try (Bucket bucket = bucketClient.join()) {
                    new BucketDrain(connection, bucket, mode, report, overlap).run(reseed);
                } catch (SQLException e) {
                    throw new SQLException(e.getMessage() + LockWait.holders(connection, e), e.getSQLState(), e);
                }
            } else if (local) {
                report.expect(inputs.size());
                FileIngest ingest = new FileIngest(connection, mode);
                for (InputFile file : inputs) {
                    FileIngest.Outcome outcome = ingest.ingest(file);
                    if (outcome instanceof FileIngest.Ingested done) {
                        report.ingested(file, done.result(), done.millis());
                    } else if (outcome instanceof FileIngest.Rejected rejected) {
                        report.rejected(file, rejected.rejection().describe());
                    }
                }
            }
            boolean ingest = fromBucket || local;
            // rule 7 of the contract: an applied ingest is followed by a capture, files or none
            if ((ingest && apply) || captureHistory) {
                TicketsSql.History history = HistoryCapture.run(connection, apply, url.where(), ingest && apply);
                report.history(history, !ingest);
            }
            if (ingest) {
                report.finish((System.nanoTime() - started) / 1_000_000);
            }
            if (geocode) {
                try {
                    geocode(connection, geocoder);
                } catch (SQLException e) {
                    // a database migrated before the geocoding SQL existed lacks its views
                    if (NotMigrated.is(e)) {
                        throw NotMigrated.failure(url.where(), e);
                    }
                    throw e;
                }
            }
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        } catch (RuntimeException e) {
            if (bucketClient != null) {
                // the database failed first: the client built meanwhile is not needed
                bucketClient.thenAccept(Bucket::close);
            }
            throw e;
        } catch (SQLException e) {
            throw new InfrastructureException("database failed at " + url.where() + ": " + OneLine.of(e.getMessage())
                    + (e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]"), e);
        }
        return report.anyRejected() ? ExitCode.REJECTED_INPUT : ExitCode.OK;
    }

    /** Clusters first: a location's viewbox is drawn around its cluster's centre. */
    private void geocode(Connection connection, GeocoderSettings geocoder) throws SQLException {
        GeocodingSql sql = new GeocodingSql(connection);
        Provider provider = geocoder.offline() ? new Gazetteer(sql)
                : new LocationIq(geocoder, userAgent(), new RateLimiter(geocoder.requestsPerSecond(), Ticker.SYSTEM));
        GeocodeReport out = new GeocodeReport(spec.commandLine().getOut(), !apply, quiet, format(),
                geocoder.offline() ? "the offline gazetteer (GEOCODER_API_KEY is not set)" : geocoder.toString());
        Geocoder asker = new Geocoder(provider, sql, maxRequests == null ? DEFAULT_MAX_REQUESTS : maxRequests, out,
                Ticker.SYSTEM);
        List<Geocoder.Tally> tallies = new java.util.ArrayList<>();
        try {
            if (apply) {
                sql.placeUnkeyedTickets();
            }
            if (geocodeClusters) {
                List<Candidate> clusters = sql.clusterCandidates();
                if (apply) {
                    tallies.add(asker.run(Candidate.Kind.CLUSTERS, clusters));
                } else {
                    asker.preview(Candidate.Kind.CLUSTERS, clusters);
                }
            }
            if (geocodeLocations) {
                List<Candidate> locations = sql.locationCandidates();
                if (apply) {
                    tallies.add(asker.run(Candidate.Kind.LOCATIONS, locations));
                } else {
                    asker.preview(Candidate.Kind.LOCATIONS, locations);
                }
            }
        } catch (KeyRefused e) {
            throw new UsageException(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("interrupted while geocoding", e);
        }
        for (Geocoder.Tally t : tallies) {
            if (t.stop() == Geocoder.Stop.FAILING) {
                int left = tallies.stream().mapToInt(Geocoder.Tally::left).sum();
                throw new InfrastructureException(geocoder + ": " + Geocoder.FAILING_IN_A_ROW_TEXT + " (last: "
                        + t.lastFailure() + "); stopped with " + left + " left for the next run");
            }
        }
    }

    /** The application and its version, as LocationIQ's usage policy asks. */
    private String userAgent() {
        String[] version = spec.version();
        String v = version.length == 0 ? "" : version[0].replaceFirst("^fleettickets\\s*", "");
        return "fleettickets/" + (v.isEmpty() ? "dev" : v) + " (ISP incident tickets, Kenya)";
    }

    /** One writer: a second run exits at once rather than queueing behind the first. */
    private static RunnerLock lock(Connection connection, DatabaseUrl url) throws SQLException {
        TicketsSql sql = new TicketsSql(connection);
        boolean locked;
        try {
            locked = sql.tryRunnerLock();
        } catch (SQLException e) {
            // the run's first SQL call: where a database that was never migrated shows it
            if (NotMigrated.is(e)) {
                throw NotMigrated.failure(url.where(), e);
            }
            throw e;
        }
        if (!locked) {
            String holder = sql.runnerLockHolder();
            connection.rollback();
            throw new LockedException("another fleettickets run holds the lock on " + url.where()
                    + (holder == null ? "" : ": " + holder) + "; this run did nothing");
        }
        connection.commit();  // the lock is the session's, not the transaction's
        return new RunnerLock(sql, connection);
    }

    /** The runner lock, released when the run ends (before its connection closes). */
    private record RunnerLock(TicketsSql sql, Connection connection) implements AutoCloseable {
        @Override
        public void close() {
            try {
                connection.rollback();  // a run that failed may have left its transaction aborted
                sql.releaseRunnerLock();
                connection.commit();
            } catch (SQLException e) {
                // a lost connection: the server releases the lock when the session ends
            }
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
