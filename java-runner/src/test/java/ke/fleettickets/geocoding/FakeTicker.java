package ke.fleettickets.geocoding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Time that passes only when asked to: sleeping moves the clock and is remembered. */
final class FakeTicker implements Ticker {
    private long now = 1_000_000_000L;
    final List<Duration> sleeps = new ArrayList<>();
    /** How much longer than asked each sleep lasts, as a busy machine's would. */
    Duration overshoot = Duration.ZERO;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        now += duration.toNanos() + overshoot.toNanos();
    }

    void advance(Duration duration) {
        now += duration.toNanos();
    }
}
