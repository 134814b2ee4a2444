package ke.fleettickets.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import ke.fleettickets.testing.HeadlessChromium;

/**
 * make bench (scripts/bench-map): the map page's first render in headless Chromium, from
 * the navigation (performance's time origin) to the frame after the last chunk of markers
 * was added to the map, as the page itself stamps it (data-render-ms). Each run in a fresh
 * browser with an empty cache, as a person opening the page for the first time meets it.
 * Prints a Markdown table.
 *
 * <p>Arguments: the page's URL, the number of runs, the target in ms.
 */
public final class FirstRenderBench {

    private FirstRenderBench() {
    }

    public static void main(String[] args) {
        String url = args[0];
        int runs = Integer.parseInt(args[1]);
        long target = Long.parseLong(args[2]);

        List<Map<?, ?>> results = new ArrayList<>();
        String browserVersion = "";
        for (int i = 0; i < runs; i++) {
            ChromeDriver browser = HeadlessChromium.start(1280, 800);
            try {
                browserVersion = browser.getCapabilities().getBrowserVersion();
                browser.get(url);
                new WebDriverWait(browser, Duration.ofMinutes(2)).withMessage("the page's first draw (data-state ready)")
                        .until(d -> {
                            Object state = browser.executeScript("return document.body.dataset.state");
                            if ("error".equals(state)) {
                                throw new IllegalStateException("the page could not load its data");
                            }
                            return "ready".equals(state);
                        });
                Map<?, ?> r = (Map<?, ?>) browser.executeScript(
                        "const api = performance.getEntriesByType('resource')"
                        + "  .filter((e) => e.name.includes('/api/inc/dashboard'))[0];"
                        + " const nav = performance.getEntriesByType('navigation')[0];"
                        + " const mark = (name) => Math.round(performance.getEntriesByName(name)[0].startTime);"
                        + " return {render: Number(document.body.dataset.renderMs),"
                        + "   markers: Number(document.body.dataset.openMarkers),"
                        + "   scripts: Math.round(nav.domContentLoadedEventEnd),"
                        + "   asked: Math.round(api.startTime), answered: Math.round(api.responseEnd),"
                        + "   parsed: mark('fleetmap:payload'), added: mark('fleetmap:markers'),"
                        + "   gzipped: api.encodedBodySize, json: api.decodedBodySize}");
                results.add(r);
                System.err.printf(Locale.ROOT, "bench-map: run %d: %s%n", i + 1, r);
            } finally {
                browser.quit();
            }
        }

        List<Map<?, ?>> sorted = new ArrayList<>(results);
        sorted.sort((a, b) -> Double.compare(num(a, "render"), num(b, "render")));
        Map<?, ?> median = sorted.get((sorted.size() - 1) / 2);
        long render = (long) num(median, "render");
        String verdict = render < target ? "met" : "**missed**";
        System.out.printf(Locale.ROOT, "%n| map page, first render of %,d open tickets (headless Chromium %s, 1280×800,"
                        + " empty cache; median of %d runs) | ms |%n|---|---:|%n",
                (long) num(median, "markers"), browserVersion, runs);
        System.out.printf(Locale.ROOT, "| page and scripts loaded (DOMContentLoaded) | %d |%n", (long) num(median, "scripts"));
        System.out.printf(Locale.ROOT, "| /api/inc/dashboard asked | %d |%n", (long) num(median, "asked"));
        System.out.printf(Locale.ROOT, "| its answer in (%.1f MB of JSON, %.1f MB on the wire) | %d |%n",
                num(median, "json") / 1e6, num(median, "gzipped") / 1e6, (long) num(median, "answered"));
        System.out.printf(Locale.ROOT, "| parsed | %d |%n", (long) num(median, "parsed"));
        System.out.printf(Locale.ROOT, "| the last chunk of markers added to the clusters | %d |%n", (long) num(median, "added"));
        System.out.printf(Locale.ROOT, "| **every marker on the map** (navigation to the frame after the last chunk;"
                + " target under %d) | **%d** (%s) |%n", target, render, verdict);
        System.out.printf(Locale.ROOT, "| all runs | %s |%n", results.stream()
                .map(r -> String.valueOf((long) num(r, "render"))).reduce((a, b) -> a + ", " + b).orElse(""));
        System.out.printf(Locale.ROOT, "%nbench-map: first render %d ms against the target of %d ms: %s%n", render, target,
                render < target ? "met" : "missed");
    }

    private static double num(Map<?, ?> r, String key) {
        Object v = r.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
