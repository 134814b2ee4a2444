package ke.fleettickets.geocoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The spacing limiter, on a fake clock. */
class RateLimiterTest {
    private final FakeTicker ticker = new FakeTicker();

    private List<Long> sendTimes(RateLimiter limiter, int requests) throws InterruptedException {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            limiter.acquire();
            times.add(ticker.nanoTime());
        }
        return times;
    }

    @Test
    void theFirstRequestGoesAtOnceAndTheNextOnesOneIntervalApart() throws Exception {
        List<Long> times = sendTimes(new RateLimiter(5, ticker), 4);
        assertEquals(List.of(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(200)), ticker.sleeps);
        for (int i = 1; i < times.size(); i++) {
            assertEquals(200_000_000L, times.get(i) - times.get(i - 1));
        }
    }

    @Test
    void aFractionalRateSpacesRequestsMoreThanASecondApart() throws Exception {
        sendTimes(new RateLimiter(0.5, ticker), 3);
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), ticker.sleeps);
    }

    @Test
    void timeSpentElsewhereCountsButBuildsNoBurst() throws Exception {
        RateLimiter limiter = new RateLimiter(1, ticker);
        limiter.acquire();
        ticker.advance(Duration.ofMillis(400));  // e.g. the database recording the answer
        limiter.acquire();
        assertEquals(List.of(Duration.ofMillis(600)), ticker.sleeps);

        ticker.advance(Duration.ofSeconds(10));  // a long pause saves no credit for a burst
        long before = ticker.nanoTime();
        limiter.acquire();
        limiter.acquire();
        assertEquals(before + 1_000_000_000L, ticker.nanoTime());
        assertEquals(Duration.ofSeconds(1), ticker.sleeps.get(ticker.sleeps.size() - 1));
    }

    @Test
    void aSleepThatOvershootsMovesTheNextSlotToo() throws Exception {
        ticker.overshoot = Duration.ofMillis(30);
        List<Long> times = sendTimes(new RateLimiter(5, ticker), 3);
        // sent at 0, 230, 460: never closer than the interval, whatever the sleep did
        assertEquals(230_000_000L, times.get(1) - times.get(0));
        assertEquals(230_000_000L, times.get(2) - times.get(1));
    }

    @Test
    void aRateMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, ticker));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(-1, ticker));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(Double.NaN, ticker));
    }
}
