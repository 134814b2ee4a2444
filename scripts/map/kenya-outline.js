#!/usr/bin/env node
// The offline base map of the live INC map page: Kenya and its neighbours as GeoJSON, from
// the npm package world-atlas 2.0.2 (Natural Earth 1:50m admin-0 countries, public domain),
// read with topojson-client 3.1.0. Not run by the build: its output is committed. To regenerate:
//
//   d=$(mktemp -d) && (cd "$d" && npm install --no-save --no-audit --no-fund world-atlas@2.0.2 topojson-client@3.1.0)
//   NODE_PATH="$d/node_modules" node scripts/map/kenya-outline.js > java-runner/src/main/resources/web/kenya.geojson
'use strict';

const VERSION = '2.0.2';
const installed = require('world-atlas/package.json').version;
if (installed !== VERSION) {
  console.error(`kenya-outline: world-atlas ${installed} is installed, this script is for ${VERSION}`);
  process.exit(1);
}
const { feature } = require('topojson-client');
const atlas = require('world-atlas/countries-50m.json');

// Kenya drawn strong, the neighbours faint: enough to see where the border and the coast are.
const WANTED = new Map([
  ['Kenya', 'kenya'], ['Uganda', 'neighbour'], ['Tanzania', 'neighbour'], ['Somalia', 'neighbour'],
  ['Ethiopia', 'neighbour'], ['S. Sudan', 'neighbour'], ['South Sudan', 'neighbour'],
]);
const round = (c) => (typeof c[0] === 'number' ? [Math.round(c[0] * 1e4) / 1e4, Math.round(c[1] * 1e4) / 1e4] : c.map(round));

const countries = feature(atlas, atlas.objects.countries).features
  .filter((f) => WANTED.has(f.properties.name))
  .map((f) => ({
    type: 'Feature',
    properties: { name: f.properties.name, role: WANTED.get(f.properties.name) },
    geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) },
  }))
  .sort((a, b) => (a.properties.role === 'kenya') - (b.properties.role === 'kenya') || a.properties.name.localeCompare(b.properties.name));

if (!countries.some((f) => f.properties.role === 'kenya')) {
  console.error('kenya-outline: no Kenya in world-atlas countries-50m');
  process.exit(1);
}
process.stdout.write(JSON.stringify({
  type: 'FeatureCollection',
  source: `Natural Earth 1:50m admin-0 countries (public domain) via npm world-atlas ${VERSION}`,
  features: countries,
}) + '\n');
