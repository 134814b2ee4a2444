package ke.fleettickets.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import ke.fleettickets.DatabaseUrl;
import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.HeadlessChromium;
import ke.fleettickets.testing.TestDatabase;

/**
 * The map page as a person meets it: Debian's headless Chromium, driven by Debian's
 * chromedriver, against the real server over a database holding a drained generated day.
 * What the screen shows is compared with the read API's answer for the same filters, and
 * the browser's console must stay clean. Screenshots are kept in target/screenshots/.
 */
class MapPageTest {

    /** Set by scripts/test (make test, CI), where scripts/deps installs the browser: its absence then fails. */
    static final String REQUIRED = "FLEETTICKETS_BROWSER_REQUIRED";

    /** The morning after the generated day: open tickets aged 14 to 28 hours, within, at risk and breached. */
    private static final AtomicReference<OffsetDateTime> now =
            new AtomicReference<>(OffsetDateTime.parse("2026-06-23T10:00:00+03:00"));
    private static final DashboardServer.Tuning TUNING = new DashboardServer.Tuning(4, Duration.ofSeconds(10),
            Duration.ofSeconds(3), 8, Duration.ofSeconds(3));
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static TestDatabase.Database db;
    private static DashboardServer server;
    private static ChromeDriver browser;
    private static final List<String> serverFailures = new CopyOnWriteArrayList<>();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void theServerOverADrainedDayAndABrowser() throws Exception {
        boolean present = HeadlessChromium.installed();
        if (!present && System.getenv(REQUIRED) != null) {
            fail(HeadlessChromium.CHROMIUM + " or " + HeadlessChromium.CHROMEDRIVER + " is missing, and " + REQUIRED
                    + " is set: run scripts/deps (apt-get install chromium chromium-driver)");
        }
        assumeTrue(present, "the map page is not tested: no " + HeadlessChromium.CHROMIUM + " and "
                + HeadlessChromium.CHROMEDRIVER + " here (Debian's chromium and chromium-driver; scripts/deps installs them)");

        db = TestDatabase.get().freshDatabase();
        Map<String, String> env = Map.of("DATABASE_URL", db.url());
        CliRun generated = CliRun.of(env, "generate", "--out", dir.resolve("changes").toString());
        assertEquals(0, generated.exit(), generated.err());
        List<String> args = new ArrayList<>(List.of("--inc-csv"));
        try (Stream<Path> files = Files.list(dir.resolve("changes"))) {
            files.map(Path::toString).sorted().forEach(args::add);
        }
        args.add("--apply");
        args.add("--quiet");
        CliRun ingest = CliRun.of(env, args.toArray(String[]::new));
        assertTrue(ingest.exit() == 0 || ingest.exit() == 3, ingest.err());
        db.execute("SELECT tickets.capture_history('" + now.get() + "')");
        server = DashboardServer.start(new ServerSettings("127.0.0.1", 0, DatabaseUrl.parse(db.url()), null, null),
                new DashboardServer.Listener() {
                    @Override
                    public void request(String method, String path, int status, long bytes, long millis) {
                    }

                    @Override
                    public void failed(String method, String path, String reason) {
                        serverFailures.add(method + " " + path + ": " + reason);
                    }
                }, TUNING, now::get);
        browser = HeadlessChromium.start(1280, 800);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.stop();
        }
    }

    /**
     * After every test: nothing the page did wrote an error to the console (a 404 for a file
     * would, or a failed request), and the server failed no request.
     */
    @AfterEach
    void theConsoleIsCleanAndTheServerFailedNothing() {
        List<String> severe = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                severe.add(e.getMessage());
            }
        }
        assertEquals(List.of(), severe, "errors in the browser's console");
        assertEquals(List.of(), serverFailures, "requests the server failed");
    }

    // The markers are the payload's placed open tickets ------------------------------------------

    @Test
    void everyOpenTicketOfThePayloadIsOnTheMapOnceClusteredOrNot() throws Exception {
        open("/");
        Json payload = dashboard("window=7d");
        int placed = payload.length("{open,features}");
        assertTrue(placed > 50, "the drained day has open tickets: " + placed);

        assertEquals(String.valueOf(placed), bodyData("openMarkers"), "data-open-markers");
        assertEquals(placed, ((Number) js("return fleetMap.openMarkerCount()")).intValue(), "fleetMap.openMarkerCount()");
        assertEquals(placed, ((Number) js("return fleetMap.openLayer.getLayers().length")).intValue(),
                "markers in the cluster layer");
        screenshot("map-desktop");

        // all of them in view: the numbers in the rings plus the single dots on the screen
        js("fleetMap.map.fitBounds(fleetMap.openLayer.getBounds(), {animate: false, padding: [20, 20]})");
        List<String> shown = markersOnScreen();
        int inRings = 0;
        Set<String> dots = new HashSet<>();
        Map<String, Integer> byState = new TreeMap<>();
        for (String m : shown) {
            String[] p = m.split("\\|", -1);
            if (p[0].equals("ring")) {
                Matcher label = Pattern.compile(
                        "(\\d+) open: (\\d+) breached, (\\d+) at risk, (\\d+) within(?:, (\\d+) of unknown age)?").matcher(p[1]);
                assertTrue(label.matches(), p[1]);
                int n = Integer.parseInt(label.group(1));
                assertEquals(String.valueOf(n), p[2], "the number written in the ring is its label's");
                String[] states = {"breached", "at_risk", "within", "unknown"};
                int parts = 0;
                for (int i = 0; i < states.length; i++) {
                    int k = label.group(i + 2) == null ? 0 : Integer.parseInt(label.group(i + 2));
                    byState.merge(states[i], k, Integer::sum);
                    parts += k;
                }
                assertEquals(n, parts, "a ring's states add up to its number: " + p[1]);
                inRings += n;
            } else {
                assertTrue(dots.add(p[1]), "one dot per ticket: " + p[1]);
                byState.merge(p[2], 1, Integer::sum);
            }
        }
        assertTrue(inRings > 0, "some tickets share a ring: " + shown);
        assertEquals(placed, inRings + dots.size(), "tickets in rings (" + inRings + ") plus single dots (" + dots.size()
                + ") on the screen: " + shown);

        Map<String, Integer> expected = new TreeMap<>();
        for (List<String> r : payload.rows("{open,features}", "coalesce(e#>>'{properties,sla_state}', 'unknown')")) {
            expected.merge(r.get(0), 1, Integer::sum);
        }
        byState.values().removeIf(v -> v == 0);
        assertEquals(expected, byState, "the SLA states on the screen (rings and dots) are the payload's");
    }

    @Test
    void thePanelShowsThePayloadsFigures() throws Exception {
        open("/");
        Json payload = dashboard("window=7d");
        for (String key : List.of("open", "open_breached", "open_at_risk", "closed")) {
            assertEquals(payload.at("{metrics," + key + "}"), count(text("m-" + key)), key);
        }
        assertTrue(Integer.parseInt(payload.at("{metrics,open_breached}")) > 0, "the morning after has breaches");
        assertTrue(Integer.parseInt(payload.at("{metrics,open_at_risk}")) > 0, "and tickets at risk");
        String sla = text("m-sla_met_pct");
        assertTrue(sla.endsWith("%"), sla);
        assertEquals(0, new BigDecimal(payload.at("{metrics,sla_met_pct}")).compareTo(
                new BigDecimal(sla.substring(0, sla.length() - 1))), "SLA met: " + sla);
        assertEquals(minutes(payload.at("{metrics,mttr_median_min}")), text("m-mttr_median_min"), "MTTR median");

        List<List<String>> expected = new ArrayList<>();
        for (List<String> r : payload.rows("{metrics,by_cluster}", "e->>'cluster'", "e->>'open'",
                "e->>'open_breached'", "e->>'closed'", "e->>'mttr_median_min'")) {
            expected.add(List.of(r.get(0) == null ? "(none)" : r.get(0), r.get(1), r.get(2), r.get(3), minutes(r.get(4))));
        }
        List<List<String>> shown = new ArrayList<>();
        for (WebElement tr : browser.findElements(By.cssSelector("#t-clusters tbody tr"))) {
            List<String> cells = tr.findElements(By.tagName("td")).stream().map(WebElement::getText).collect(Collectors.toList());
            shown.add(List.of(cells.get(0), count(cells.get(1)), count(cells.get(2)), count(cells.get(3)), cells.get(4)));
        }
        assertTrue(expected.size() > 3, "several clusters: " + expected);
        assertEquals(expected, shown, "the clusters' table, row by row");
    }

    // Filters: the URL, the markers, and back ---------------------------------------------------

    @Test
    void aFilterChangeUpdatesTheUrlAndTheMarkersAndTheUrlBringsItBack() throws Exception {
        open("/");
        Json all = dashboard("window=7d");
        String cluster = all.at("{metrics,by_cluster,0,cluster}");

        String loaded = bodyData("loadedAt");
        new Select(browser.findElement(By.id("f-cluster"))).selectByValue(cluster);
        Json byCluster = dashboard("window=7d&cluster=" + cluster);
        loadedWith(loaded, "cluster=" + cluster, byCluster);
        assertNotEquals(all.length("{open,features}"), byCluster.length("{open,features}"), "one cluster is fewer tickets");

        loaded = bodyData("loadedAt");
        new Select(browser.findElement(By.id("f-status"))).selectByValue("in_progress");
        Json byStatus = dashboard("window=7d&cluster=" + cluster + "&status=in_progress");
        loadedWith(loaded, "status=in_progress", byStatus);
        assertNotEquals(byCluster.length("{open,features}"), byStatus.length("{open,features}"));

        loaded = bodyData("loadedAt");
        new Select(browser.findElement(By.id("f-window"))).selectByValue("24h");
        Json byWindow = dashboard("window=24h&cluster=" + cluster + "&status=in_progress");
        loadedWith(loaded, "window=24h", byWindow);

        String url = browser.getCurrentUrl();
        assertTrue(url.contains("cluster=" + cluster) && url.contains("status=in_progress") && url.contains("window=24h"), url);
        String zoom = js("return String(fleetMap.map.getZoom())").toString();

        browser.get("about:blank");
        browser.get(url);
        waitReady();
        assertEquals(cluster, new Select(browser.findElement(By.id("f-cluster"))).getFirstSelectedOption().getAttribute("value"));
        assertEquals("in_progress", new Select(browser.findElement(By.id("f-status"))).getFirstSelectedOption().getAttribute("value"));
        assertEquals("24h", new Select(browser.findElement(By.id("f-window"))).getFirstSelectedOption().getAttribute("value"));
        assertEquals(String.valueOf(byWindow.length("{open,features}")), bodyData("openMarkers"));
        assertEquals(String.valueOf(byWindow.length("{closed,features}")), bodyData("closedMarkers"));
        assertEquals(byWindow.at("{metrics,closed}"), count(text("m-closed")));
        assertEquals(zoom, js("return String(fleetMap.map.getZoom())").toString(), "the view comes back too");

        // a second change while the first still loads (a quick hand, a slow network): the last one wins
        loaded = bodyData("loadedAt");
        js("for (const [id, value] of [['f-status', 'pending'], ['f-window', '30d']]) {"
                + " const select = document.getElementById(id); select.value = value;"
                + " select.dispatchEvent(new Event('change', {bubbles: true})); }");
        loadedWith(loaded, "window=30d", dashboard("window=30d&cluster=" + cluster + "&status=pending"));
        assertTrue(browser.getCurrentUrl().contains("status=pending"), browser.getCurrentUrl());
    }

    @Test
    void clickingAClusterRowFiltersAndZoomsToIt() throws Exception {
        open("/");
        double zoom = ((Number) js("return fleetMap.map.getZoom()")).doubleValue();
        WebElement row = browser.findElement(By.cssSelector("#t-clusters tbody button[data-cluster]"));
        String cluster = row.getAttribute("data-cluster");
        String loaded = bodyData("loadedAt");
        row.click();
        Json byCluster = dashboard("window=7d&cluster=" + cluster);
        loadedWith(loaded, "cluster=" + cluster, byCluster);
        new WebDriverWait(browser, WAIT).withMessage("the map zoomed in on " + cluster)
                .until(d -> ((Number) js("return fleetMap.map.getZoom()")).doubleValue() > zoom);
        assertEquals(cluster, new Select(browser.findElement(By.id("f-cluster"))).getFirstSelectedOption().getAttribute("value"));
        assertEquals("true", browser.findElement(By.cssSelector("#t-clusters button[data-cluster='" + cluster + "']"))
                .getAttribute("aria-pressed"), "the row shows it is the filter");
        assertEquals(Boolean.TRUE, js("const b = fleetMap.map.getBounds();"
                + " return fleetMap.openLayer.getLayers().every((m) => b.contains(m.getLatLng()))"),
                "every ticket of the cluster is in view");
    }

    // A phone -------------------------------------------------------------------------------------

    @Test
    void onAPhoneTheMapAndTheFiguresAreThereAndNothingSpillsSideways() throws Exception {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
        try {
            open("/");
            assertEquals(390L, js("return window.innerWidth"));
            assertEquals(Boolean.TRUE, js("return document.documentElement.scrollWidth <= window.innerWidth"
                    + " && document.body.scrollWidth <= window.innerWidth"), "no horizontal overflow");
            Map<?, ?> map = rect("map");
            assertTrue(((Number) map.get("height")).doubleValue() >= 300, "the map is the larger part: " + map);
            assertTrue(((Number) map.get("top")).doubleValue() <= 120, "the header leaves the map most of the screen: " + map);
            screenshot("map-phone");
            double mapHeight = ((Number) map.get("height")).doubleValue();

            Json payload = dashboard("window=7d");
            js("document.getElementById('m-open').scrollIntoView({block: 'center'})");
            Map<?, ?> figure = rect("m-open");
            assertTrue(((Number) figure.get("top")).doubleValue() >= 0
                    && ((Number) figure.get("bottom")).doubleValue() <= 844, "the figures can be scrolled to: " + figure);
            assertTrue(browser.findElement(By.id("m-open")).isDisplayed());
            assertEquals(payload.at("{metrics,open}"), count(text("m-open")));
            assertEquals(Boolean.TRUE, js("return document.documentElement.scrollWidth <= window.innerWidth"),
                    "no horizontal overflow with the panel in view");

            // the panel folds away and the map takes its room; and back
            browser.findElement(By.id("panel-toggle")).click();
            assertFalse(browser.findElement(By.id("panel")).isDisplayed());
            assertEquals("false", browser.findElement(By.id("panel-toggle")).getAttribute("aria-expanded"));
            assertTrue(((Number) rect("map").get("bottom")).doubleValue() >= 843, "the map reaches the bottom: " + rect("map"));
            assertEquals(Boolean.TRUE, js("const s = fleetMap.map.getSize(); const r = document.getElementById('map')"
                    + ".getBoundingClientRect(); return s.y === Math.round(r.height)"), "Leaflet knows the map's new size");
            browser.findElement(By.id("panel-toggle")).click();
            assertTrue(browser.findElement(By.id("panel")).isDisplayed());
            assertEquals(mapHeight, ((Number) rect("map").get("height")).doubleValue(), 1.0);
        } finally {
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    // Dispatch --------------------------------------------------------------------------------------

    @Test
    void aClickOnTheMapListsTheNearestOpenTicketsWithTheirDistances() throws Exception {
        open("/");
        clickMapNear(dashboard("window=7d"), 13);
        new WebDriverWait(browser, WAIT).withMessage("the nearest tickets listed")
                .until(d -> !d.findElements(By.cssSelector("#nearest li button[data-ticket]")).isEmpty());
        assertFalse(browser.findElements(By.cssSelector(".leaflet-marker-icon.tech")).isEmpty(), "the technician is drawn");

        String asked = (String) js("const r = performance.getEntriesByType('resource')"
                + ".filter((e) => e.name.includes('/api/inc/nearest?')); return r[r.length - 1].name");
        Json nearest = new Json(get(URI.create(asked).getRawPath() + "?" + URI.create(asked).getRawQuery()));
        List<String> expected = new ArrayList<>();
        for (List<String> r : nearest.rows("{features}", "e->>'id'", "e#>>'{properties,distance_km}'")) {
            expected.add(r.get(0) + " " + r.get(1) + " km");
        }
        List<String> shown = new ArrayList<>();
        for (WebElement li : browser.findElements(By.cssSelector("#nearest li"))) {
            String t = li.getText();
            shown.add(t.substring(0, t.indexOf(" km") + 3));
        }
        assertFalse(expected.isEmpty());
        assertEquals(expected, shown, "the list is /api/inc/nearest's, nearest first, with distances");

        // a ticket of the list is shown on the map, its popup open
        WebElement first = browser.findElement(By.cssSelector("#nearest li button[data-ticket]"));
        String ticket = first.getAttribute("data-ticket");
        first.click();
        new WebDriverWait(browser, WAIT).withMessage(ticket + "'s popup").until(d -> d.findElements(
                By.cssSelector(".leaflet-popup-content h3")).stream().anyMatch(h -> h.getText().equals(ticket)));
    }

    // A refresh changes the data, not what the person did ------------------------------------------

    @Test
    void aRefreshKeepsTheViewTheOpenPopupAndTheLayers() throws Exception {
        open("/");
        browser.findElement(By.id("l-closed")).click();
        assertEquals(Boolean.TRUE, js("return fleetMap.map.hasLayer(fleetMap.closedLayer)"));
        Json before = dashboard("window=7d");

        // a ticket placed by its own coordinates, shown alone, its popup opened by a click
        List<String> feed = before.rows("{open,features}", "e->>'id'", "e#>>'{geometry,coordinates,0}'",
                "e#>>'{geometry,coordinates,1}'", "e#>>'{properties,geo_source}'").stream()
                .filter(r -> r.get(3).equals("feed")).findFirst().orElseThrow();
        String ticket = feed.get(0);
        js("fleetMap.map.setView([arguments[0], arguments[1]], 17, {animate: false})",
                Double.parseDouble(feed.get(2)), Double.parseDouble(feed.get(1)));
        WebElement dot = new WebDriverWait(browser, WAIT).withMessage(ticket + " drawn alone").until(d -> d.findElements(
                By.cssSelector(".leaflet-marker-icon.tk[title='" + ticket + "']")).stream().findFirst().orElse(null));
        dot.click();
        // (the popup fades in: its text is on the screen once it has)
        new WebDriverWait(browser, WAIT).withMessage(ticket + "'s popup").until(d -> d.findElements(
                By.cssSelector(".leaflet-popup-content h3")).stream().anyMatch(h -> h.getText().equals(ticket)));
        assertTrue(browser.findElements(By.cssSelector(".leaflet-marker-icon.tech")).isEmpty(),
                "a click on a ticket opens it; it does not place a technician");
        String age = popupRow("Age");
        String view = js("const c = fleetMap.map.getCenter(); return fleetMap.map.getZoom() + '/' + c.lat + '/' + c.lng")
                .toString();
        String url = browser.getCurrentUrl();

        // the feed moves on: another ticket is closed, and twenty minutes pass
        List<String> closing = before.rows("{open,features}", "e->>'id'", "e#>>'{properties,cluster}'",
                "e#>>'{properties,region}'", "e#>>'{properties,location_name}'").stream()
                .filter(r -> !r.get(0).equals(ticket)).findFirst().orElseThrow();
        closeTicket(closing);
        now.set(now.get().plusMinutes(20));
        Json after = dashboard("window=7d");
        assertEquals(before.length("{open,features}") - 1, after.length("{open,features}"));

        String loaded = bodyData("loadedAt");
        browser.executeAsyncScript("const done = arguments[arguments.length - 1]; fleetMap.refresh().then(() => done())");
        assertNotEquals(loaded, bodyData("loadedAt"), "the refresh drew the new payload");
        assertEquals(String.valueOf(after.length("{open,features}")), bodyData("openMarkers"));
        assertEquals(String.valueOf(after.length("{closed,features}")), bodyData("closedMarkers"));
        assertEquals(after.at("{metrics,open}"), count(text("m-open")));
        assertEquals(Boolean.FALSE, js("return fleetMap.openLayer.getLayers().some((m) => m.options.title === arguments[0])",
                closing.get(0)), "the closed ticket left the open layer");

        assertEquals(view, js("const c = fleetMap.map.getCenter(); return fleetMap.map.getZoom() + '/' + c.lat + '/' + c.lng")
                .toString(), "zoom and centre");
        assertEquals(ticket, browser.findElement(By.cssSelector(".leaflet-popup-content h3")).getText(), "the popup stays open");
        assertNotEquals(age, popupRow("Age"), "and shows the ticket as it is now");
        assertTrue(browser.findElement(By.id("l-closed")).isSelected(), "the closed layer's switch");
        assertTrue(browser.findElement(By.id("l-open")).isSelected(), "the open layer's switch");
        assertEquals(Boolean.TRUE, js("return fleetMap.map.hasLayer(fleetMap.closedLayer) && fleetMap.map.hasLayer(fleetMap.openLayer)"));
        assertEquals(url, browser.getCurrentUrl());
    }

    // helpers -------------------------------------------------------------------------------------

    private static String base() {
        return "http://127.0.0.1:" + server.address().getPort();
    }

    /** Loads a page and waits for its first draw (every chunk of markers added). */
    private static void open(String pathAndQuery) {
        browser.get(base() + pathAndQuery);
        waitReady();
    }

    private static void waitReady() {
        new WebDriverWait(browser, WAIT).withMessage("the page's first draw (data-state ready)").until(d -> {
            String state = bodyData("state");
            if ("error".equals(state)) {
                throw new AssertionError("the page could not load: " + browser.findElement(By.id("freshness")).getText());
            }
            return "ready".equals(state);
        });
    }

    /** After a filter change: loaded again, the URL says so, and the markers are the payload's for it. */
    private static void loadedWith(String loadedBefore, String inUrl, Json payload) {
        String open = String.valueOf(payload.length("{open,features}"));
        String closed = String.valueOf(payload.length("{closed,features}"));
        new WebDriverWait(browser, WAIT).withMessage("a load with " + inUrl + " drawing " + open + " open markers")
                .until(d -> !bodyData("loadedAt").equals(loadedBefore)
                && d.getCurrentUrl().contains(inUrl) && open.equals(bodyData("openMarkers")));
        assertTrue(browser.getCurrentUrl().contains(inUrl), browser.getCurrentUrl());
        assertEquals(open, bodyData("openMarkers"), "open markers for " + inUrl);
        assertEquals(closed, bodyData("closedMarkers"), "closed markers for " + inUrl);
        assertEquals(Integer.parseInt(open), ((Number) js("return fleetMap.openLayer.getLayers().length")).intValue());
        assertEquals(payload.at("{metrics,open}"), count(text("m-open")), "the open figure for " + inUrl);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static String bodyData(String key) {
        Object v = js("return document.body.dataset[arguments[0]] || ''", key);
        return v.toString();
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static Map<?, ?> rect(String id) {
        return (Map<?, ?>) js("const r = document.getElementById(arguments[0]).getBoundingClientRect();"
                + " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height}", id);
    }

    /** A number as the page writes it (1,234) as the API writes it (1234). */
    private static String count(String shown) {
        return shown.replace(",", "");
    }

    /** Minutes as the page writes them: 45 min, 5 h 18 min, 3 d 2 h. */
    static String minutes(String value) {
        if (value == null) {
            return "–";
        }
        long m = Math.round(Double.parseDouble(value));
        String sign = m < 0 ? "−" : "";
        long a = Math.abs(m);
        if (a < 60) {
            return sign + a + " min";
        }
        if (a < 48 * 60) {
            return sign + a / 60 + " h " + a % 60 + " min";
        }
        return sign + a / 1440 + " d " + (a % 1440) / 60 + " h";
    }

    private static String popupRow(String name) {
        return (String) js("for (const tr of document.querySelectorAll('.leaflet-popup-content tr'))"
                + " if (tr.cells[0].textContent === arguments[0]) return tr.cells[1].textContent; return null", name);
    }

    /**
     * The ring and dot icons whose centre is inside the map, once the clusters have settled:
     * "ring|aria-label|number written" or "dot|ticket|SLA state".
     */
    private static List<String> markersOnScreen() {
        String script = "if (document.querySelector('.leaflet-cluster-anim, .leaflet-zoom-anim')) return null;"
                + " const box = document.getElementById('map').getBoundingClientRect(); const out = [];"
                + " for (const el of document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')) {"
                + "   const r = el.getBoundingClientRect(); const s = getComputedStyle(el);"
                + "   const x = r.left + r.width / 2; const y = r.top + r.height / 2;"
                + "   if (s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) < 0.5"
                + "       || x < box.left || x > box.right || y < box.top || y > box.bottom) continue;"
                + "   if (el.classList.contains('ring')) { const svg = el.querySelector('svg');"
                + "     out.push('ring|' + svg.getAttribute('aria-label') + '|' + svg.querySelector('text').textContent); }"
                + "   else if (el.classList.contains('tk')) out.push('dot|' + el.title + '|'"
                + "     + [...el.classList].find((c) => c.startsWith('tk-')).slice(3)); }"
                + " return out.sort().join('\\n');";
        AtomicReference<String> last = new AtomicReference<>();
        // settled: the same picture twice, 300 ms apart, with no animation under way
        String settled = new WebDriverWait(browser, WAIT).pollingEvery(Duration.ofMillis(300))
                .withMessage("the clusters settled").until(d -> {
            Object picture = js(script);
            String previous = last.getAndSet(picture == null ? null : picture.toString());
            return picture != null && picture.toString().equals(previous) ? previous : null;
        });
        return settled.isEmpty() ? List.of() : List.of(settled.split("\n"));
    }

    /** Clicks the map on a spot with no marker, near the first open ticket, at the given zoom. */
    private static void clickMapNear(Json payload, int zoom) {
        List<String> first = payload.rows("{open,features}", "e#>>'{geometry,coordinates,0}'",
                "e#>>'{geometry,coordinates,1}'").get(0);
        js("fleetMap.map.setView([arguments[0], arguments[1]], arguments[2], {animate: false})",
                Double.parseDouble(first.get(1)), Double.parseDouble(first.get(0)), zoom);
        WebElement map = browser.findElement(By.id("map"));
        for (int[] offset : new int[][] {{70, 50}, {-70, 50}, {70, -50}, {-70, -50}, {120, 0}, {-120, 0}}) {
            Object free = js("const r = document.getElementById('map').getBoundingClientRect();"
                    + " const el = document.elementFromPoint(r.left + r.width / 2 + arguments[0], r.top + r.height / 2 + arguments[1]);"
                    + " return !!el && !el.closest('.leaflet-marker-icon, .leaflet-control, .leaflet-popup')"
                    + " && !!el.closest('#map')", offset[0], offset[1]);
            if (Boolean.TRUE.equals(free)) {
                new Actions(browser).moveToElement(map, offset[0], offset[1]).click().perform();
                return;
            }
        }
        fail("no free spot on the map to click near the first ticket");
    }

    /** Closes an open ticket the way the feed does: a file with its new row, through the real ingest. */
    private static void closeTicket(List<String> ticket) throws IOException {
        String at = now.get().plusMinutes(15).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        String name = now.get().plusMinutes(18).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")) + ".csv";
        Path file = dir.resolve(name);
        Files.writeString(file, "ticket_id,source_updated_at,normalized_status,raw_status,closed_at,mttr,sla_status,"
                + "cluster,region,location_name\n"
                + String.join(",", ticket.get(0), at, "resolved", "Resolved", at, "1200", "Within SLA",
                        csv(ticket.get(1)), csv(ticket.get(2)), csv(ticket.get(3))) + "\n", StandardCharsets.UTF_8);
        CliRun run = CliRun.of(Map.of("DATABASE_URL", db.url()), "--inc-csv", file.toString(), "--apply", "--quiet");
        assertEquals(0, run.exit(), run.err());
    }

    private static String csv(String value) {
        return value == null ? "" : "\"" + value.replace("\"", "\"\"") + "\"";
    }

    private static void screenshot(String name) throws IOException {
        Path file = Path.of("target", "screenshots", name + ".png").toAbsolutePath();
        Files.createDirectories(file.getParent());
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
        System.out.println("screenshot: " + file);
    }

    private static String get(String pathAndQuery) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), pathAndQuery + ": " + r.body());
        return r.body();
    }

    private static Json dashboard(String query) throws Exception {
        return new Json(get("/api/inc/dashboard?" + query));
    }

    /** An answer of the read API, read with the database's JSON parser (the tests carry none). */
    private record Json(String text) {
        String at(String path) {
            return query("SELECT ?::jsonb #>> ?::text[]", path).get(0).get(0);
        }

        int length(String path) {
            return Integer.parseInt(query("SELECT jsonb_array_length(?::jsonb #> ?::text[])::text", path).get(0).get(0));
        }

        /** One row per element of the array at path, in order; each column an expression over e. */
        List<List<String>> rows(String path, String... columns) {
            return query("SELECT " + String.join(", ", columns)
                    + " FROM jsonb_array_elements(?::jsonb #> ?::text[]) WITH ORDINALITY AS t(e, n) ORDER BY n", path);
        }

        private List<List<String>> query(String sql, String path) {
            try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(sql)) {
                st.setString(1, text);
                st.setString(2, path);
                List<List<String>> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        List<String> row = new ArrayList<>();
                        for (int i = 1; i <= n; i++) {
                            row.add(rs.getString(i));
                        }
                        out.add(row);
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new AssertionError(sql + ": " + e.getMessage(), e);
            }
        }
    }
}
