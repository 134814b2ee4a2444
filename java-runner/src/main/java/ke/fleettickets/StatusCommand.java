package ke.fleettickets;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How the ingest stands, for people and monitors: schema, ledger, bucket, freshness,
 * geocoding; a non-zero exit when something needs attention. It writes nothing: its
 * sessions are read-only, and it takes no lock.
 */
@Command(name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Reports the schema version and the migrations of this jar not applied yet, the",
            "watermark, the last files of the ledger, the files waiting under changes/ (when",
            "RUSTFS_* configure a bucket), the files rejected and truncated in the last 24",
            "hours, how fresh the data is and how the tickets are placed on the map.",
            "It writes nothing: every session it opens is read-only.",
            "The exit code says whether something needs attention; when several things do,",
            "the first of 4, 3, 6."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:all is well",
            "2:usage or configuration error (a bad option, DATABASE_URL or RUSTFS_* variable)",
            "3:the latest file in the ledger was rejected or quarantined",
            "4:the database is unreachable, refuses a query, or lacks migrations of this jar; or the bucket is unreachable",
            "6:the data is staler than --max-lag, or there is none yet"
        })
final class StatusCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of lines.")
    private boolean json;

    @Option(names = "--max-lag", paramLabel = "DURATION", defaultValue = DEFAULT_MAX_LAG,
            description = "How far behind the clock the data may be before it is stale: a number and min, h or d"
                    + " (default: ${DEFAULT-VALUE}; the export runs about two days behind).")
    private String maxLag;

    @Option(names = "--last", paramLabel = "N", defaultValue = "5",
            description = "How many of the latest ledger rows to show (default: ${DEFAULT-VALUE}).")
    private int last;

    /** As the map's freshness banner: DASHBOARD_STALE_AFTER_MINUTES' default. */
    static final String DEFAULT_MAX_LAG = "3d";

    private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,5})\\s*(min|h|d)");

    private final Settings settings;

    StatusCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() {
        int maxLagMinutes = minutes(maxLag);
        if (last < 1 || last > 1000) {
            throw usage("--last is a number from 1 to 1000, not " + last);
        }
        DatabaseUrl url = settings.databaseUrl();
        Timeouts timeouts = settings.timeouts();
        BucketSettings bucket = settings.bucketConfigured() ? settings.bucket() : null;

        StatusReport report = new StatusReport(url.where(), maxLagMinutes);
        report.bucket(bucket != null, null);
        read(report, url, timeouts, bucket, maxLagMinutes);
        if (json) {
            report.printJson(spec.commandLine().getOut());
        } else {
            report.printText(spec.commandLine().getOut());
        }
        return report.exit();
    }

    private void read(StatusReport report, DatabaseUrl url, Timeouts timeouts, BucketSettings bucket,
            int maxLagMinutes) {
        Connection connection;
        try {
            connection = Database.connect(url, timeouts);
        } catch (InfrastructureException e) {
            report.problem(StatusReport.Problem.UNREACHABLE, e.getMessage());
            return;
        }
        try (connection) {
            connection.setReadOnly(true);
            try {
                report.schema(schema(url));
            } catch (FlywayException e) {
                report.problem(StatusReport.Problem.DATABASE_FAILED,
                        "cannot read Flyway's history at " + url.where() + ": " + OneLine.of(e.getMessage()));
                return;
            }
            if (!report.migrated()) {
                return;
            }
            StatusSql status = new StatusSql(connection);
            TicketsSql tickets = new TicketsSql(connection);
            report.feed(status.feedStatus(maxLagMinutes), status.placementCoverage(), status.lastFiles(last));
            report.run(tickets.runnerLockHolder());
            if (bucket != null) {
                waiting(report, tickets, bucket);
            }
            connection.rollback();
        } catch (SQLException e) {
            if (NotMigrated.is(e)) {
                report.problem(StatusReport.Problem.NOT_MIGRATED, NotMigrated.failure(url.where(), e).getMessage());
            } else {
                report.problem(StatusReport.Problem.DATABASE_FAILED, "database failed at " + url.where() + ": "
                        + OneLine.of(e.getMessage()) + (e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]"));
            }
        }
    }

    /** Flyway's view of the database against the migrations this jar carries. */
    private StatusReport.Schema schema(DatabaseUrl url) {
        MigrationInfoService info = Migrations.quietly(spec.commandLine().getErr(), "status", () -> Migrations.info(url));
        MigrationVersion applied = null;
        MigrationVersion carried = null;
        List<String> pending = new ArrayList<>();
        for (MigrationInfo m : info.all()) {
            MigrationState state = m.getState();
            if (m.isVersioned() && state.isApplied() && !state.isFailed()
                    && (applied == null || m.getVersion().compareTo(applied) > 0)) {
                applied = m.getVersion();
            }
            if (m.isVersioned() && state.isResolved() && (carried == null || m.getVersion().compareTo(carried) > 0)) {
                carried = m.getVersion();
            }
            if (state == MigrationState.PENDING || state == MigrationState.OUTDATED) {
                pending.add((m.isVersioned() ? "V" + m.getVersion().getVersion() + " " : "R ") + m.getDescription());
            }
        }
        return new StatusReport.Schema(applied == null ? null : applied.getVersion(),
                carried == null ? null : carried.getVersion(), pending);
    }

    /** The keys under changes/, by what the next drain would do with them; the database decides, as for a drain. */
    private static void waiting(StatusReport report, TicketsSql tickets, BucketSettings settings) throws SQLException {
        try (Bucket bucket = new Bucket(settings)) {
            List<TicketsSql.Planned> plan = tickets.planBucketFiles(bucket.listChanges(), false);
            Map<String, Integer> byAction = new LinkedHashMap<>();
            for (String action : List.of("ingest", "archive", "quarantine", "finish_rejection")) {
                byAction.put(action, 0);
            }
            String oldest = null;
            for (TicketsSql.Planned p : plan) {
                if (byAction.containsKey(p.action())) {
                    byAction.merge(p.action(), 1, Integer::sum);
                    oldest = oldest == null ? p.key() : oldest;
                }
            }
            report.bucket(true, new StatusReport.Waiting(bucket.address(Bucket.CHANGES), byAction, oldest));
        } catch (InfrastructureException e) {
            report.problem(StatusReport.Problem.BUCKET_UNREACHABLE, e.getMessage());
        }
    }

    /** 90min, 72h, 3d: the lag allowed, in minutes. */
    private int minutes(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw usage("--max-lag is a number and a unit, min, h or d (e.g. 3d, 72h, 4320min), not " + text);
        }
        int n = Integer.parseInt(m.group(1));
        return switch (m.group(2)) {
            case "min" -> n;
            case "h" -> n * 60;
            default -> n * 24 * 60;
        };
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
