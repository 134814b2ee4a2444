// The live INC map. Every figure comes from the read API (/api/inc/*) as the SQL computes
// it; this page only draws. A refresh changes what changed and nothing the person did:
// view, open popup, filters and layer switches stay as they are.
'use strict';

(function () {
  const STATES = ['within', 'at_risk', 'breached', 'unknown'];
  const STATE_COLOURS = { within: '#2e7d32', at_risk: '#f9a825', breached: '#c62828', unknown: '#757575' };
  const KENYA = [[-4.9, 33.8], [5.2, 42.0]];

  const config = { tile_url: null, tile_attribution: null, refresh_seconds: 180, stale_after_minutes: 4320 };
  const state = readUrl();
  let payload = null;       // the last dashboard payload drawn
  let drawn = false;        // a payload has been drawn once (the first draw fits the view)
  let prefetched = null;    // the first payload, asked for before the base map is drawn
  let lastEtag = null;
  let clusterOptions = new Set();

  const body = document.body;
  const $ = (id) => document.getElementById(id);

  // ---- the map ---------------------------------------------------------------------------
  const map = L.map('map', { preferCanvas: true, zoomControl: true, maxZoom: 18, minZoom: 3 });
  const canvas = L.canvas({ padding: 0.5 });
  // addLayers takes no callback: the last chunk is known from chunkProgress
  let chunksDone = null;
  const openLayer = L.markerClusterGroup({
    chunkedLoading: true,
    chunkInterval: 200,
    chunkDelay: 10,
    chunkProgress: (processed, total) => {
      if (processed >= total && chunksDone) {
        const done = chunksDone;
        chunksDone = null;
        done();
      }
    },
    showCoverageOnHover: false,
    maxClusterRadius: 60,
    spiderfyOnMaxZoom: true,
    iconCreateFunction: ringIcon,
  });
  const closedLayer = L.featureGroup();  // a feature group: its markers' clicks reach it
  const techLayer = L.layerGroup().addTo(map);
  const openMarkers = new Map();    // ticket_id -> marker
  const closedMarkers = new Map();

  if (!applyHashView()) {
    map.fitBounds(KENYA);
  }

  // ---- helpers ---------------------------------------------------------------------------
  function esc(value) {
    if (value === null || value === undefined) return '';
    return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  function fmtNumber(value, suffix) {
    if (value === null || value === undefined) return '–';
    return Number(value).toLocaleString('en-GB') + (suffix || '');
  }

  function fmtMinutes(value) {
    if (value === null || value === undefined) return '–';
    const m = Math.round(Number(value));
    const sign = m < 0 ? '−' : '';
    const a = Math.abs(m);
    if (a < 60) return `${sign}${a} min`;
    if (a < 48 * 60) return `${sign}${Math.floor(a / 60)} h ${a % 60} min`;
    return `${sign}${Math.floor(a / 1440)} d ${Math.floor((a % 1440) / 60)} h`;
  }

  function fmtTime(iso) {
    if (!iso) return '–';
    // the API answers in EAT (+03:00): show the wall-clock part as it is
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
    return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}` : esc(iso);
  }

  function stateOf(props) {
    return STATES.includes(props.sla_state) ? props.sla_state : 'unknown';
  }

  function readUrl() {
    const q = new URLSearchParams(location.search);
    const pick = (name, allowed, fallback) => (allowed.includes(q.get(name)) ? q.get(name) : fallback);
    return {
      cluster: (q.get('cluster') || '').toUpperCase().replace(/[^A-Z0-9_-]/g, '').slice(0, 32),
      status: pick('status', ['open', 'in_progress', 'pending'], ''),
      window: pick('window', ['24h', '7d', '30d'], '7d'),
      closed: q.get('closed') === '1',
      open: q.get('open') !== '0',
    };
  }

  function writeUrl() {
    const q = new URLSearchParams();
    if (state.cluster) q.set('cluster', state.cluster);
    if (state.status) q.set('status', state.status);
    if (state.window !== '7d') q.set('window', state.window);
    if (state.closed) q.set('closed', '1');
    if (!state.open) q.set('open', '0');
    const c = map.getCenter();
    const hash = `#${map.getZoom()}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`;
    const url = `${location.pathname}${q.toString() ? '?' + q.toString() : ''}${hash}`;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(null, '', url);
  }

  function applyHashView() {
    const m = /^#(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(location.hash);
    if (!m) return false;
    map.setView([Number(m[2]), Number(m[3])], Number(m[1]));
    return true;
  }

  async function getJson(url, options) {
    const response = await fetch(url, Object.assign({ cache: 'no-cache', credentials: 'same-origin' }, options || {}));
    if (response.status === 401) {
      location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search + location.hash);
      throw new Error('login needed');
    }
    if (!response.ok) {
      let message = `HTTP ${response.status}`;
      try {
        const body = await response.json();
        if (body && body.message) message = body.message;
      } catch (ignored) { /* not JSON */ }
      throw new Error(message);
    }
    return { json: await response.json(), etag: response.headers.get('ETag') };
  }

  // ---- markers ---------------------------------------------------------------------------
  function ringIcon(group) {
    const counts = { within: 0, at_risk: 0, breached: 0, unknown: 0 };
    for (const m of group.getAllChildMarkers()) counts[m.options.slaState] += 1;
    const total = group.getChildCount();
    const size = total < 10 ? 34 : total < 100 ? 40 : total < 1000 ? 48 : 56;
    const r = size / 2 - 4;
    const circumference = 2 * Math.PI * r;
    let offset = 0;
    let arcs = '';
    for (const s of STATES) {
      if (!counts[s]) continue;
      const length = (counts[s] / total) * circumference;
      arcs += `<circle r="${r}" cx="${size / 2}" cy="${size / 2}" fill="none" stroke="${STATE_COLOURS[s]}" stroke-width="7"`
        + ` stroke-dasharray="${length} ${circumference - length}" stroke-dashoffset="${-offset}"`
        + ` transform="rotate(-90 ${size / 2} ${size / 2})"></circle>`;
      offset += length;
    }
    const label = `${total} open: ${counts.breached} breached, ${counts.at_risk} at risk, ${counts.within} within`
      + (counts.unknown ? `, ${counts.unknown} of unknown age` : '');
    const html = `<svg width="${size}" height="${size}" role="img" aria-label="${label}">`
      + `<circle r="${r}" cx="${size / 2}" cy="${size / 2}" fill="rgba(255,255,255,0.92)"></circle>${arcs}`
      + `<text x="50%" y="50%" dominant-baseline="central" text-anchor="middle">${total}</text></svg>`;
    return L.divIcon({ html, className: 'ring', iconSize: [size, size] });
  }

  const dotIcons = {};
  function dotIcon(slaState) {
    if (!dotIcons[slaState]) dotIcons[slaState] = L.divIcon({ className: `tk tk-${slaState}`, iconSize: [14, 14] });
    return dotIcons[slaState];
  }

  function popupHtml(feature, closed) {
    const p = feature.properties;
    const rows = closed
      ? [['Status', `${esc(p.status)} (${esc(p.raw_status)})`], ['Closed', fmtTime(p.closed_at)],
        ['MTTR', fmtMinutes(p.mttr_min)], ['Source SLA', esc(p.sla_status) || '–']]
      : [['Status', `${esc(p.status)} (${esc(p.raw_status)})`],
        ['SLA', `<span class="state-${esc(p.sla_state)}">${esc(p.sla_state || 'unknown')}</span>`
          + (p.minutes_to_breach === null || p.minutes_to_breach === undefined ? ''
            : p.minutes_to_breach >= 0 ? `, breach in ${fmtMinutes(p.minutes_to_breach)}` : `, ${fmtMinutes(-p.minutes_to_breach)} over`)],
        ['Age', `${fmtMinutes(p.age_minutes)}${p.age_from ? ` <small>(from ${esc(p.age_from)})</small>` : ''}`],
        ['Created', fmtTime(p.created_at)]];
    rows.push(['Cluster', esc(p.cluster)], ['Region', esc(p.region)], ['Location', esc(p.location_name)],
      ['Team', esc(p.assigned_team)], ['Owner', esc(p.owner)], ['Placed by', esc(p.geo_source)]);
    if (p.distance_km !== undefined) rows.unshift(['Distance', `${esc(p.distance_km)} km`]);
    return `<div class="popup"><h3>${esc(p.ticket_id)}</h3><table>`
      + rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v || '–'}</td></tr>`).join('') + '</table></div>';
  }

  /**
   * A marker's popup is made the first time it is asked for (a click, the dispatch list):
   * 25,000 popups made up front cost about 150 ms of the first render. Once bound, the
   * marker's own click opens and closes it; the content is built each time it opens.
   */
  function withPopup(marker, closed) {
    if (!marker.getPopup()) marker.bindPopup(() => popupHtml(marker.feature, closed), { maxWidth: 320 });
    return marker;
  }

  function popupOnFirstClick(closed) {
    return (e) => {
      if (e.layer.getPopup()) return;
      L.DomEvent.stop(e);  // as a bound popup does: a click on a ticket is not a dispatch click
      withPopup(e.layer, closed).openPopup();
    };
  }

  function latLngOf(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    return L.latLng(lat, lon);
  }

  /** Brings the open layer to the payload's features, changing only what changed. */
  function syncOpen(features, done) {
    const seen = new Set();
    const added = [];
    const restyled = [];
    for (const f of features) {
      const id = String(f.id);
      seen.add(id);
      const slaState = stateOf(f.properties);
      const existing = openMarkers.get(id);
      if (existing) {
        if (!existing.getLatLng().equals(latLngOf(f))) existing.setLatLng(latLngOf(f));
        if (existing.options.slaState !== slaState) {
          existing.options.slaState = slaState;
          existing.setIcon(dotIcon(slaState));
          restyled.push(existing);
        }
        existing.feature = f;
        if (existing.isPopupOpen()) existing.getPopup().update();  // the content is built when shown
      } else {
        const marker = L.marker(latLngOf(f), { icon: dotIcon(slaState), slaState, keyboard: false, title: id });
        marker.feature = f;
        openMarkers.set(id, marker);
        added.push(marker);
      }
    }
    const gone = [];
    for (const [id, marker] of openMarkers) {
      if (!seen.has(id)) {
        gone.push(marker);
        openMarkers.delete(id);
      }
    }
    if (gone.length) openLayer.removeLayers(gone);
    if (restyled.length) openLayer.refreshClusters(restyled);
    if (added.length && map.hasLayer(openLayer)) {
      chunksDone = done;  // chunked: done once the last chunk is in
      openLayer.addLayers(added);
    } else {
      if (added.length) openLayer.addLayers(added);  // off the map: clustered when it is switched on
      if (done) done();
    }
  }

  function syncClosed(features) {
    const seen = new Set();
    for (const f of features) {
      const id = String(f.id);
      seen.add(id);
      const existing = closedMarkers.get(id);
      if (existing) {
        existing.feature = f;
        if (!existing.getLatLng().equals(latLngOf(f))) existing.setLatLng(latLngOf(f));
        if (existing.isPopupOpen()) existing.getPopup().update();
      } else {
        const marker = L.circleMarker(latLngOf(f), {
          renderer: canvas, radius: 4, color: '#fff', weight: 1, fillColor: '#5c6bc0', fillOpacity: 0.85,
        });
        marker.feature = f;
        closedMarkers.set(id, marker);
        closedLayer.addLayer(marker);
      }
    }
    for (const [id, marker] of closedMarkers) {
      if (!seen.has(id)) {
        closedLayer.removeLayer(marker);
        closedMarkers.delete(id);
      }
    }
  }

  // ---- the panel -------------------------------------------------------------------------
  function drawMetrics(metrics) {
    for (const key of ['open', 'open_breached', 'open_at_risk', 'closed']) $(`m-${key}`).textContent = fmtNumber(metrics[key]);
    $('m-mttr_median_min').textContent = fmtMinutes(metrics.mttr_median_min);
    $('m-mttr_p90_min').textContent = fmtMinutes(metrics.mttr_p90_min);
    $('m-sla_met_pct').textContent = metrics.sla_met_pct === null ? '–' : `${metrics.sla_met_pct}%`;
    $('m-unplaced').textContent = fmtNumber(metrics.open_unplaced + metrics.closed_unplaced);
  }

  function drawClusters(rows) {
    const tbody = $('t-clusters').tBodies[0];
    tbody.innerHTML = rows.map((r) => {
      const name = r.cluster === null ? '(none)' : esc(r.cluster);
      const selected = state.cluster && r.cluster === state.cluster;
      const cell = r.cluster === null ? name
        : `<button type="button" data-cluster="${esc(r.cluster)}" aria-pressed="${selected}">${name}</button>`;
      return `<tr class="${selected ? 'selected' : ''}"><td>${cell}</td><td>${fmtNumber(r.open)}</td>`
        + `<td>${fmtNumber(r.open_breached)}</td><td>${fmtNumber(r.closed)}</td><td>${fmtMinutes(r.mttr_median_min)}</td></tr>`;
    }).join('') || '<tr><td colspan="5">No tickets</td></tr>';
    for (const r of rows) if (r.cluster) clusterOptions.add(r.cluster);
    fillClusterOptions();
  }

  function fillClusterOptions() {
    const select = $('f-cluster');
    const wanted = [''].concat([...clusterOptions].sort());
    if (state.cluster && !wanted.includes(state.cluster)) wanted.push(state.cluster);
    const have = [...select.options].map((o) => o.value);
    if (wanted.join('|') !== have.join('|')) {
      select.innerHTML = wanted.map((c) => `<option value="${esc(c)}">${c ? esc(c) : 'All clusters'}</option>`).join('');
    }
    select.value = state.cluster;
  }

  function drawTeams(rows) {
    $('t-teams').tBodies[0].innerHTML = rows.map((r) =>
      `<tr><td>${r.assigned_team === null ? '(unassigned)' : esc(r.assigned_team)}</td><td>${fmtNumber(r.open)}</td>`
      + `<td>${fmtNumber(r.closed)}</td><td>${fmtMinutes(r.mttr_median_min)}</td></tr>`).join('')
      || '<tr><td colspan="4">No tickets</td></tr>';
  }

  function drawTrend(rows) {
    const box = $('trend');
    if (!rows.length) {
      box.innerHTML = '<p class="hint">No history captured in this window yet.</p>';
      return;
    }
    const w = 340;
    const h = 120;
    const pad = 18;
    const max = Math.max(1, ...rows.map((r) => Math.max(r.open, r.opened, r.closed)));
    const step = (w - 2 * pad) / rows.length;
    const y = (v) => h - pad - (v / max) * (h - 2 * pad);
    let bars = '';
    let line = '';
    let dots = '';
    rows.forEach((r, i) => {
      const x = pad + i * step;
      const bw = Math.max(1, step / 2 - 1);
      bars += `<rect class="opened" x="${x}" y="${y(r.opened)}" width="${bw}" height="${h - pad - y(r.opened)}"><title>${esc(r.day)}: ${r.opened} opened</title></rect>`;
      bars += `<rect class="closedbar" x="${x + bw + 1}" y="${y(r.closed)}" width="${bw}" height="${h - pad - y(r.closed)}"><title>${esc(r.day)}: ${r.closed} closed</title></rect>`;
      line += `${i ? 'L' : 'M'}${x + step / 2},${y(r.open)}`;
      // a dot per day: one captured day is a line of no length
      dots += `<circle class="open-dot" cx="${x + step / 2}" cy="${y(r.open)}" r="2.5"><title>${esc(r.day)}: ${r.open} open</title></circle>`;
    });
    const first = rows[0].day.slice(5);
    const last = rows[rows.length - 1].day.slice(5);
    box.innerHTML = `<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="Open backlog, opened and closed per day">${bars}`
      + `<path class="open" d="${line}"><title>open backlog</title></path>${dots}`
      + `<text x="${pad}" y="${h - 4}">${esc(first)}</text><text x="${w - pad}" y="${h - 4}" text-anchor="end">${esc(last)}</text>`
      + `<text x="${pad}" y="10">max ${max}: line open, bars opened / closed</text></svg>`;
  }

  function drawUnplaced(rows) {
    $('unplaced').innerHTML = rows.map((t) =>
      `<li><strong>${esc(t.ticket_id)}</strong> <span class="state-${esc(t.sla_state)}">${esc(t.sla_state || 'unknown')}</span>`
      + ` · ${esc(t.cluster || 'no cluster')} · ${esc(t.location_name || 'no location')}</li>`).join('')
      || '<li>None: every open ticket is on the map.</li>';
  }

  function drawFreshness(freshness) {
    const box = $('freshness');
    if (!freshness || !freshness.last_ingest_at) {
      box.className = 'freshness empty';
      box.textContent = 'No file has been ingested yet.';
      return;
    }
    const lag = freshness.content_lag_minutes;
    const stale = lag === null || lag > config.stale_after_minutes;
    box.className = stale ? 'freshness stale' : 'freshness';
    box.textContent = `Data to ${fmtTime(freshness.data_fresh_to)} (${fmtMinutes(lag)} behind)`
      + ` · newest file ${freshness.watermark_key ? freshness.watermark_key.replace(/^.*\//, '') : '–'},`
      + ` ${fmtMinutes(freshness.minutes_since_last_file)} ago`
      + (freshness.rejected_files_24h ? ` · ${freshness.rejected_files_24h} file(s) rejected in 24 h` : '')
      + (freshness.truncated_files_24h ? ` · ${freshness.truncated_files_24h} export(s) cut short in 24 h` : '')
      + (stale ? ` · older than ${fmtMinutes(config.stale_after_minutes)}` : '');
  }

  // ---- loading ---------------------------------------------------------------------------
  function apiQuery() {
    const q = new URLSearchParams({ window: state.window });
    if (state.cluster) q.set('cluster', state.cluster);
    if (state.status) q.set('status', state.status);
    return q.toString();
  }

  let loading = null;
  let queued = null;
  function load(reason) {
    if (loading) {
      // one load at a time; what was asked meanwhile (new filters) is loaded right after it
      if (!queued) queued = loading.then(() => { queued = null; return load(reason); });
      return queued;
    }
    loading = (async () => {
      try {
        const query = apiQuery();
        const asked = prefetched && prefetched.query === query ? prefetched.answer : getJson(`/api/inc/dashboard?${query}`);
        prefetched = null;
        const { json, etag } = await asked;
        if (!drawn) performance.mark('fleetmap:payload');  // parsed; the bench reads these marks
        const unchanged = etag && etag === lastEtag && reason === 'refresh';
        lastEtag = etag;
        if (unchanged) return;
        payload = json;
        const firstDraw = !drawn;
        drawn = true;
        if (firstDraw && !location.hash && json.open.features.length) {
          // the view first, so the markers are clustered once, for the zoom they are seen at
          map.fitBounds(L.latLngBounds(json.open.features.map(latLngOf)), { maxZoom: 12, padding: [20, 20], animate: false });
        }
        drawMetrics(json.metrics);
        drawClusters(json.metrics.by_cluster);
        drawTeams(json.metrics.by_team);
        drawTrend(json.metrics.backlog_trend);
        drawFreshness(json.freshness);
        syncClosed(json.closed.features);
        await new Promise((resolve) => syncOpen(json.open.features, resolve));
        if (firstDraw) performance.mark('fleetmap:markers');  // the last chunk is on the map
        body.dataset.openMarkers = String(openMarkers.size);
        body.dataset.closedMarkers = String(closedMarkers.size);
        if (firstDraw) {
          // from the navigation (performance's time origin) to the frame that shows the markers
          // (a tab opened in the background paints nothing: it does not wait for a frame for long)
          await new Promise((resolve) => { requestAnimationFrame(() => setTimeout(resolve, 0)); setTimeout(resolve, 1000); });
          body.dataset.renderMs = String(Math.round(performance.now()));
        }
        body.dataset.state = 'ready';
        body.dataset.loadedAt = new Date().toISOString();
        writeUrl();
        loadUnplaced();
      } catch (e) {
        $('freshness').className = 'freshness stale';
        $('freshness').textContent = `Could not load the tickets: ${e.message}. Retrying at the next refresh.`;
        body.dataset.state = body.dataset.state === 'loading' ? 'error' : body.dataset.state;
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  let unplacedAsked = 0;
  async function loadUnplaced() {
    // only the answer to the latest question is drawn: a slow one for old filters is dropped
    const asked = ++unplacedAsked;
    try {
      const q = new URLSearchParams();
      if (state.cluster) q.set('cluster', state.cluster);
      if (state.status) q.set('status', state.status);
      const { json } = await getJson(`/api/inc/unplaced?${q.toString()}`);
      if (asked === unplacedAsked) drawUnplaced(json);
    } catch (e) {
      if (asked === unplacedAsked) $('unplaced').innerHTML = `<li>Could not load: ${esc(e.message)}</li>`;
    }
  }

  // ---- dispatch --------------------------------------------------------------------------
  let nearestAsked = 0;
  async function nearest(latlng) {
    const asked = ++nearestAsked;  // two quick clicks: the list is the last one's
    techLayer.clearLayers();
    L.marker(latlng, { icon: L.divIcon({ className: 'tech', iconSize: [16, 16] }), title: 'Technician', keyboard: false })
      .addTo(techLayer);
    const list = $('nearest');
    list.innerHTML = '<li>Looking…</li>';
    try {
      const q = new URLSearchParams({ lon: latlng.lng.toFixed(6), lat: latlng.lat.toFixed(6), limit: '10', max_km: '25' });
      const { json } = await getJson(`/api/inc/nearest?${q.toString()}`);
      if (asked !== nearestAsked) return;
      list.innerHTML = json.features.map((f) =>
        `<li><button type="button" data-ticket="${esc(f.id)}">${esc(f.id)}</button> ${esc(f.properties.distance_km)} km · `
        + `<span class="state-${esc(f.properties.sla_state)}">${esc(f.properties.sla_state || 'unknown')}</span> · `
        + `${esc(f.properties.location_name || f.properties.cluster || '')}</li>`).join('')
        || '<li>No open ticket within 25 km.</li>';
    } catch (e) {
      if (asked === nearestAsked) list.innerHTML = `<li>Could not search: ${esc(e.message)}</li>`;
    }
  }

  function showTicket(id) {
    const marker = openMarkers.get(id);
    if (!marker) return;
    if (!map.hasLayer(openLayer)) {
      $('l-open').checked = true;
      setLayers();
    }
    openLayer.zoomToShowLayer(marker, () => withPopup(marker, false).openPopup());
  }

  // ---- downloads -------------------------------------------------------------------------
  function featuresInView() {
    if (!payload) return [];
    const bounds = map.getBounds();
    const pick = (features, layer) => features
      .filter((f) => bounds.contains(latLngOf(f)))
      .map((f) => ({ type: 'Feature', id: f.id, geometry: f.geometry, properties: Object.assign({ layer }, f.properties) }));
    return (state.open ? pick(payload.open.features, 'open') : [])
      .concat(state.closed ? pick(payload.closed.features, 'closed') : []);
  }

  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function fileStem() {
    return `inc-${state.cluster || 'all'}-${state.window}-${new Date().toISOString().slice(0, 16).replace(/[:T]/g, '')}`;
  }

  function csvCell(value) {
    if (value === null || value === undefined) return '';
    const s = String(value);
    // a leading = + - @ would be a formula in a spreadsheet
    const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  }

  function downloadCsv() {
    const features = featuresInView();
    const keys = [];
    for (const f of features) for (const k of Object.keys(f.properties)) if (!keys.includes(k)) keys.push(k);
    const lines = [['longitude', 'latitude'].concat(keys).join(',')];
    for (const f of features) {
      lines.push([f.geometry.coordinates[0], f.geometry.coordinates[1]].concat(keys.map((k) => f.properties[k]))
        .map(csvCell).join(','));
    }
    download(`${fileStem()}.csv`, 'text/csv;charset=utf-8', lines.join('\r\n') + '\r\n');
  }

  function downloadGeoJson() {
    download(`${fileStem()}.geojson`, 'application/geo+json',
      JSON.stringify({ type: 'FeatureCollection', features: featuresInView() }, null, 1));
  }

  // ---- controls --------------------------------------------------------------------------
  function setLayers() {
    state.open = $('l-open').checked;
    state.closed = $('l-closed').checked;
    if (state.open) openLayer.addTo(map); else map.removeLayer(openLayer);
    if (state.closed) closedLayer.addTo(map); else map.removeLayer(closedLayer);
    writeUrl();
  }

  function filtersChanged() {
    state.cluster = $('f-cluster').value;
    state.status = $('f-status').value;
    state.window = $('f-window').value;
    writeUrl();
    load('filters');
  }

  function zoomToCluster(code) {
    const markers = [...openMarkers.values()].filter((m) => (m.feature.properties.cluster || '').toUpperCase() === code);
    const closed = [...closedMarkers.values()].filter((m) => (m.feature.properties.cluster || '').toUpperCase() === code);
    const all = markers.concat(closed).map((m) => m.getLatLng());
    if (all.length) map.fitBounds(L.latLngBounds(all), { maxZoom: 14, padding: [30, 30] });
  }

  function wire() {
    $('f-status').value = state.status;
    $('f-window').value = state.window;
    $('l-open').checked = state.open;
    $('l-closed').checked = state.closed;
    fillClusterOptions();
    $('filters').addEventListener('change', filtersChanged);
    $('filters').addEventListener('submit', (e) => e.preventDefault());
    $('l-open').addEventListener('change', setLayers);
    $('l-closed').addEventListener('change', setLayers);
    $('t-clusters').addEventListener('click', (e) => {
      const button = e.target.closest('button[data-cluster]');
      if (!button) return;
      const code = button.dataset.cluster;
      state.cluster = state.cluster === code ? '' : code;
      fillClusterOptions();
      writeUrl();
      load('filters').then(() => { if (state.cluster) zoomToCluster(state.cluster); });
    });
    $('nearest').addEventListener('click', (e) => {
      const button = e.target.closest('button[data-ticket]');
      if (button) showTicket(button.dataset.ticket);
    });
    $('locate').addEventListener('click', () => {
      if (!navigator.geolocation) {
        $('dispatch-hint').textContent = 'This browser cannot tell where it is; click the map instead.';
        return;
      }
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          const here = L.latLng(pos.coords.latitude, pos.coords.longitude);
          map.setView(here, Math.max(map.getZoom(), 12));
          nearest(here);
        },
        (err) => { $('dispatch-hint').textContent = `Location unavailable (${err.message}); click the map instead.`; },
        { enableHighAccuracy: true, timeout: 10000 });
    });
    $('dl-csv').addEventListener('click', downloadCsv);
    $('dl-geojson').addEventListener('click', downloadGeoJson);
    $('panel-toggle').addEventListener('click', () => {
      const panel = $('panel');
      panel.hidden = !panel.hidden;
      body.classList.toggle('panel-hidden', panel.hidden);  // the map takes the room
      $('panel-toggle').setAttribute('aria-expanded', String(!panel.hidden));
      map.invalidateSize();
    });
    openLayer.on('click', popupOnFirstClick(false));
    closedLayer.on('click', popupOnFirstClick(true));
    map.on('click', (e) => nearest(e.latlng));
    map.on('moveend', writeUrl);
    window.addEventListener('popstate', () => location.reload());
  }

  async function baseMap() {
    // The outline is always there, under any tiles: offline or with a failing tile server
    // the map is never blank.
    try {
      const { json } = await getJson('kenya.geojson');
      L.geoJSON(json, {
        interactive: false,
        style: (f) => (f.properties.role === 'kenya'
          ? { color: '#24292f', weight: 1.5, fillColor: '#fdfcf7', fillOpacity: 1 }
          : { color: '#8c959f', weight: 1, fillColor: '#eaeef2', fillOpacity: 1 }),
      }).addTo(map);
    } catch (e) {
      // the tiles (if any) still show where things are
    }
    if (config.tile_url) {
      L.tileLayer(config.tile_url, { attribution: config.tile_attribution || '', maxZoom: 19 }).addTo(map);
    } else {
      map.attributionControl.addAttribution('Borders: Natural Earth');
    }
  }

  async function start() {
    // the payload is the long wait: asked for at once, while the settings and the base map load
    const query = apiQuery();
    prefetched = { query, answer: getJson(`/api/inc/dashboard?${query}`) };
    prefetched.answer.catch(() => {});  // its failure is load's to report
    // every cluster the filter can offer, also when the page opens on one cluster's view
    getJson('/api/inc/clusters').then(({ json }) => {
      for (const c of json) clusterOptions.add(c);
      fillClusterOptions();
    }).catch(() => {});  // the clusters of the payload still fill it
    try {
      const { json } = await getJson('/config.json');
      Object.assign(config, json);
    } catch (e) {
      // defaults: offline base map, refresh every 3 minutes
    }
    await baseMap();
    if (state.open) openLayer.addTo(map);
    if (state.closed) closedLayer.addTo(map);
    wire();
    await load('start');
    setInterval(() => { if (!document.hidden) load('refresh'); }, Math.max(30, config.refresh_seconds) * 1000);
  }

  // for tests and the curious: what is drawn
  window.fleetMap = {
    map,
    openLayer,
    closedLayer,
    openMarkerCount: () => openMarkers.size,
    closedMarkerCount: () => closedMarkers.size,
    refresh: () => load('refresh'),
    payload: () => payload,
  };

  start();
})();
