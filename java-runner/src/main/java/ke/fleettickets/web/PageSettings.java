package ke.fleettickets.web;

import java.util.LinkedHashMap;
import java.util.Map;

import ke.fleettickets.Json;

/**
 * What the map page is told at {@code /config.json}: the tile server (none: the offline
 * outline of Kenya is the base map), how often it refreshes, and when its freshness banner
 * turns red.
 *
 * @param tileUrl MAP_TILE_URL, a Leaflet URL template ({@code https://tile.example/{z}/{x}/{y}.png}), or null
 * @param tileAttribution MAP_TILE_ATTRIBUTION, shown on the map with the tiles
 * @param refreshSeconds DASHBOARD_REFRESH_SECONDS, at least 30
 * @param staleAfterMinutes DASHBOARD_STALE_AFTER_MINUTES: a content lag above this is shown in red
 */
public record PageSettings(String tileUrl, String tileAttribution, int refreshSeconds, int staleAfterMinutes) {

    public static final int DEFAULT_REFRESH_SECONDS = 180;
    /** The export runs about two days behind the wall clock: three days is late. */
    public static final int DEFAULT_STALE_AFTER_MINUTES = 3 * 24 * 60;
    public static final PageSettings DEFAULT =
            new PageSettings(null, null, DEFAULT_REFRESH_SECONDS, DEFAULT_STALE_AFTER_MINUTES);

    String json() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("tile_url", tileUrl);
        fields.put("tile_attribution", tileAttribution);
        fields.put("refresh_seconds", refreshSeconds);
        fields.put("stale_after_minutes", staleAfterMinutes);
        return Json.object(fields);
    }
}
