package ke.fleettickets.geocoding;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Asks a provider the SQL's candidates, one by one, and hands each answer to the SQL.
 * It decides only about requests: how often to retry, how long to back off, when to stop
 * asking (LocationIQ's daily limit, {@code --max-requests}, a geocoder that keeps failing).
 * What an answer means is the SQL's to decide; this class never looks inside one.
 */
public final class Geocoder {
    /** Waits before the 2nd and 3rd try after a 5xx, a timeout, an I/O failure or a malformed answer. */
    static final List<Duration> RETRY_WAITS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2));
    /** Waits after "Rate Limited Second": a second, then longer. */
    static final List<Duration> SECOND_WAITS =
            List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
    /** Waits after "Rate Limited Minute": the minute's window has to pass. */
    static final List<Duration> MINUTE_WAITS =
            List.of(Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(60));
    /** Questions in a row that end in an error before the geocoder is taken for down. */
    static final int FAILING_IN_A_ROW = 5;
    public static final String FAILING_IN_A_ROW_TEXT = FAILING_IN_A_ROW + " questions in a row got no answer";
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    /** Why a run stopped asking before its candidates ran out. */
    public enum Stop {
        DAILY_LIMIT, RATE_LIMITED, MAX_REQUESTS, FAILING
    }

    /** What a run tells its operator; the command prints it. */
    public interface Listener {
        /** Dry run: the candidate and the exact request that would be sent. */
        void wouldAsk(Candidate candidate, int n, int of, String request);

        /** Dry run: the candidates are listed. */
        void previewed(Candidate.Kind kind, int candidates, int maxRequests, String provider);

        /** Before the first question of a kind. */
        void starting(Candidate.Kind kind, int candidates, int maxRequests);

        /** Every few seconds of a long run. */
        void progress(Tally tally);

        /** A question that got no answer; recorded as an error, and the run goes on. */
        void failed(Candidate candidate, String reason);

        void finished(Tally tally);
    }

    private final Provider provider;
    private final Recorder recorder;
    private final Listener listener;
    private final Ticker ticker;
    private final int maxRequests;
    private int requests;
    private int failingInARow;
    private String lastFailure;
    private Stop stop;

    public Geocoder(Provider provider, Recorder recorder, int maxRequests, Listener listener, Ticker ticker) {
        this.provider = provider;
        this.recorder = recorder;
        this.maxRequests = maxRequests;
        this.listener = listener;
        this.ticker = ticker;
    }

    /** Dry run: lists each candidate with the request it would make; asks nothing. */
    public void preview(Candidate.Kind kind, List<Candidate> candidates) {
        for (int i = 0; i < candidates.size(); i++) {
            listener.wouldAsk(candidates.get(i), i + 1, candidates.size(), provider.describe(candidates.get(i)));
        }
        listener.previewed(kind, candidates.size(), provider.metered() ? maxRequests : -1, provider.name());
    }

    /**
     * Asks every candidate until done or stopped; a stop lasts for the rest of the run
     * (a later kind then asks nothing and reports all its candidates left).
     *
     * @throws KeyRefused when the provider refuses the key: nothing more can be asked
     */
    public Tally run(Candidate.Kind kind, List<Candidate> candidates) throws SQLException, InterruptedException {
        long started = ticker.nanoTime();
        long lastProgress = started;
        Tally tally = new Tally(kind, provider.name(), candidates.size());
        tally.maxRequests = maxRequests;
        tally.requests = requests;
        if (stop == null) {
            listener.starting(kind, candidates.size(), provider.metered() ? maxRequests - requests : -1);
        }
        for (Candidate candidate : candidates) {
            if (stop != null) {
                break;
            }
            String outcome = ask(candidate, tally);
            tally.requests = requests;
            if (outcome == null) {
                break;  // stopped part-way: the candidate is left, unrecorded
            }
            tally.count(outcome);
            if (ticker.nanoTime() - lastProgress >= PROGRESS_EVERY.toNanos() && tally.asked < candidates.size()) {
                lastProgress = ticker.nanoTime();
                listener.progress(tally);
            }
        }
        tally.stop = stop;
        tally.requests = requests;
        tally.lastFailure = lastFailure;
        tally.millis = (ticker.nanoTime() - started) / 1_000_000;
        listener.finished(tally);
        return tally;
    }

    /** One candidate to its recorded outcome, retries included; null when the run stopped first. */
    private String ask(Candidate candidate, Tally tally) throws SQLException, InterruptedException {
        int failures = 0;
        int rateLimited = 0;
        while (true) {
            if (provider.metered() && requests >= maxRequests) {
                stop = Stop.MAX_REQUESTS;
                return null;
            }
            if (provider.metered()) {
                requests++;
            }
            Reply reply = provider.ask(candidate);
            String failure;
            boolean retryable;
            if (reply instanceof Reply.Results results) {
                try {
                    return recorded(recorder.record(candidate, results.json(), provider.name(), null));
                } catch (Recorder.InvalidJson e) {
                    failure = "malformed answer: not valid JSON";
                    retryable = true;
                }
            } else if (reply instanceof Reply.NotFound) {
                return recorded(recordTrusted(candidate, "[]", null));
            } else if (reply instanceof Reply.RateLimited limited) {
                List<Duration> waits = limited.period() == Reply.Period.MINUTE ? MINUTE_WAITS : SECOND_WAITS;
                if (limited.period() == Reply.Period.DAY || rateLimited >= waits.size()) {
                    stop = limited.period() == Reply.Period.DAY ? Stop.DAILY_LIMIT : Stop.RATE_LIMITED;
                    return null;
                }
                ticker.sleep(waits.get(rateLimited++));
                continue;
            } else {
                Reply.Failed failed = (Reply.Failed) reply;
                failure = failed.reason();
                retryable = failed.retryable();
            }
            if (retryable && failures < RETRY_WAITS.size()) {
                ticker.sleep(RETRY_WAITS.get(failures++));
                continue;
            }
            String reason = failures == 0 ? failure : failure + " (" + (failures + 1) + " tries)";
            String outcome = recordTrusted(candidate, null, reason);
            listener.failed(candidate, reason);
            lastFailure = reason;
            if (++failingInARow >= FAILING_IN_A_ROW) {
                stop = Stop.FAILING;
                tally.count(outcome);
                return null;
            }
            return outcome;
        }
    }

    /** Results this class wrote itself ({@code []} or none): a refusal is the database's failure, not the answer's. */
    private String recordTrusted(Candidate candidate, String results, String error) throws SQLException {
        try {
            return recorder.record(candidate, results, provider.name(), error);
        } catch (Recorder.InvalidJson e) {
            throw new SQLException("the database refused " + results + " as JSON: " + e.getMessage(), "22P02", e);
        }
    }

    private String recorded(String outcome) {
        failingInARow = 0;
        return outcome;
    }

    /** What a run of one kind did: outcomes as the SQL named them, and what is left. */
    public static final class Tally {
        private final Candidate.Kind kind;
        private final String provider;
        private final int candidates;
        private int asked;
        private int found;
        private int notFound;
        private int tooFar;
        private int kept;
        private int errors;
        private int other;
        private int requests;
        private int maxRequests;
        private Stop stop;
        private String lastFailure;
        private long millis;

        Tally(Candidate.Kind kind, String provider, int candidates) {
            this.kind = kind;
            this.provider = provider;
            this.candidates = candidates;
        }

        void count(String outcome) {
            asked++;
            switch (outcome == null ? "" : outcome) {
                case "found" -> found++;
                case "not_found" -> notFound++;
                case "too_far" -> tooFar++;
                case "kept" -> kept++;
                case "error" -> errors++;
                default -> other++;
            }
        }

        public Candidate.Kind kind() { return kind; }
        public String provider() { return provider; }
        public int candidates() { return candidates; }
        public int asked() { return asked; }
        public int found() { return found; }
        public int notFound() { return notFound; }
        public int tooFar() { return tooFar; }
        public int kept() { return kept; }
        public int errors() { return errors; }
        /** Outcomes the SQL named that this runner does not know (a newer SQL side). */
        public int other() { return other; }
        public int left() { return candidates - asked; }
        /** Requests to a metered provider so far in the run, retries included. */
        public int requests() { return requests; }
        public int maxRequests() { return maxRequests; }
        /** Why it stopped asking, or null when it went through its candidates. */
        public Stop stop() { return stop; }
        /** The last reason a question got no answer, or null. */
        public String lastFailure() { return lastFailure; }
        public long millis() { return millis; }
    }
}
