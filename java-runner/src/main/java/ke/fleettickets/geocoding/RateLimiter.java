package ke.fleettickets.geocoding;

import java.time.Duration;

/**
 * A steady rate: requests are spaced at least 1/rate apart, never sent in bursts. A
 * provider's per-second limit counts requests in a window; even spacing never crosses it.
 */
public final class RateLimiter {
    private final Ticker ticker;
    private final long intervalNanos;
    private long next;
    private boolean started;

    public RateLimiter(double perSecond, Ticker ticker) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("a rate must be a positive number");
        }
        this.ticker = ticker;
        this.intervalNanos = (long) Math.ceil(1e9 / perSecond);
    }

    /** Waits until the next request may go, and books the slot after it. */
    public void acquire() throws InterruptedException {
        long now = ticker.nanoTime();
        if (started && now - next < 0) {
            ticker.sleep(Duration.ofNanos(next - now));
            // a sleep may overshoot: the next slot counts from when this request really goes
            now = Math.max(ticker.nanoTime(), next);
        }
        started = true;
        next = now + intervalNanos;
    }

    Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }
}
