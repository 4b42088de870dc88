// The live page: window updates become chart points and tiles; alerts and anomalies become
// markers on the charts and lines in the side list. Settings come from the URL fragment
// (never sent to the server): #token=T&g=10s&model=2.0.0. The token is taken out of the URL as
// soon as it is read (history.replaceState), so it stays out of history and bookmarks; the tab
// keeps it in sessionStorage for reloads. It opens with the last 15 minutes (from InfluxDB,
// through the API), then follows the feed; FPR and detection are shown over the last minute,
// with n and their 95% interval.
import { LiveChart } from './charts.js';
import { connectFeed } from './feed.js';
import { RollingRates } from './rates.js';

const METHODS = [
  ['alpha', '#5aa9ff'],
  ['palette', '#c77dff'],
  ['lsb_rgb', '#3ecf8e'],
  ['exif', '#f5b942'],
  ['raw', '#ff7eb6'],
];
const MAX_EVENTS = 60;

const settings = new URLSearchParams(location.hash.slice(1));
const TOKEN_KEY = 'starwatch-token';
if (settings.has('token')) {
  sessionStorage.setItem(TOKEN_KEY, settings.get('token'));
  settings.delete('token');
  history.replaceState(null, '', `${location.pathname}${location.search}#${settings}`);
}
const granularity = settings.get('g') || '10s';
const HISTORY_MINUTES = 15;
const rolling = new RollingRates(60_000);
let lastEnd = 0;
const model = settings.get('model') || '*';
const $ = (id) => document.getElementById(id);

const finite = (v) => typeof v === 'number' && Number.isFinite(v);
const pct = (v) => (!finite(v) ? '–' : `${(v * 100).toFixed(v < 0.01 && v > 0 ? 2 : 1)}%`);
const ms = (v) => (!finite(v) ? '–' : `${v.toFixed(v < 10 ? 2 : 1)} ms`);
const num = (v) => (!finite(v) ? '–' : v >= 100 || v === 0 ? v.toFixed(0) : v.toFixed(1));
/** 'n=240 · 95% 24.6–36.0%', or why there is no rate. */
const evidence = (r, what) => (r ? `n=${r.n} · 95% ${pct(r.lower)}–${pct(r.upper)}` : `no ${what} in the last minute`);

/** A topic segment as the collector encodes it (schemas/live.ts topicSegment). */
const segment = (value) => value.replace(/[%.*> ]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));

const charts = {
  throughput: new LiveChart($('c-throughput'), {
    series: [
      { label: 'requests/s', color: '#5aa9ff' },
      { label: 'errors/s', color: '#ff5d5d' },
    ],
    yFormat: num,
  }),
  latency: new LiveChart($('c-latency'), {
    series: [
      { label: 'p50', color: '#3ecf8e', format: ms },
      { label: 'p95', color: '#f5b942', format: ms },
      { label: 'p99', color: '#ff5d5d', format: ms },
    ],
    yFormat: (v) => v.toFixed(1),
  }),
  quality: new LiveChart($('c-quality'), {
    series: [
      { label: 'detection rate', color: '#3ecf8e' },
      { label: 'false-positive rate (right)', color: '#ff5d5d', right: true },
    ],
    rightFormat: (v) => `${(v * 100).toFixed(v < 0.01 ? 2 : 1)}%`,
    yFormat: pct,
    axisFormat: (v) => `${Math.round(v * 100)}%`,
    yMin: 0,
    yMax: 1,
  }),
  methods: new LiveChart($('c-methods'), {
    series: [
      { label: 'all', color: '#e6e9ef', dash: [4, 3] },
      ...METHODS.map(([m, color]) => ({ label: m.replace('_', '.'), color })),
    ],
    yFormat: pct,
    axisFormat: (v) => `${Math.round(v * 100)}%`,
    yMin: 0,
  }),
};

const firing = new Map();
window.starwatchCharts = charts; // for the browser test and for poking at in devtools

function onWindow(w) {
  if (w.end <= lastEnd) return; // history and the feed overlap
  lastEnd = w.end;
  rolling.add(w);
  const minute = rolling.current();
  const f = w.fields;
  const t = w.end / 1000;
  const seconds = Math.max(1, (w.end - w.start) / 1000);
  charts.throughput.push(t, [f.rps, (f.errors ?? 0) / seconds]);
  charts.latency.push(t, [f.latency_p50, f.latency_p95, f.latency_p99]);
  charts.quality.push(t, [minute.detection?.rate ?? null, minute.fpr?.rate ?? null]);
  charts.methods.push(t, [f.stego_rate, ...METHODS.map(([m]) => f[`rate_${m}`])]);
  $('k-rps').textContent = num(f.rps);
  $('k-p95').textContent = ms(f.latency_p95);
  $('k-err').textContent = pct(f.count ? (f.errors ?? 0) / f.count : null);
  $('k-stego').textContent = pct(f.stego_rate);
  $('k-fpr').textContent = pct(minute.fpr?.rate);
  $('k-fpr-n').textContent = evidence(minute.fpr, 'labelled clean images');
  $('k-det').textContent = pct(minute.detection?.rate);
  $('k-det-n').textContent = evidence(minute.detection, 'labelled stego images');
}

function onAlert(a) {
  const kind = a.state === 'resolved' || a.kind === 'resolved' ? 'resolved' : 'alert';
  if (kind === 'resolved') firing.delete(a.alert_id);
  else if (a.state === 'firing') firing.set(a.alert_id, a);
  $('k-alerts').textContent = String(firing.size);
  $('k-alerts').parentElement.classList.toggle('hot', firing.size > 0);
  for (const c of Object.values(charts)) c.mark((a.ts ?? Date.now()) / 1000, kind);
  addEvent(kind === 'resolved' ? 'resolved' : a.severity, a.ts, `${a.rule} ${a.state}`, a.message || `${a.key}: ${a.value} vs ${a.threshold}`);
}

function onAnomaly(x) {
  if (x.is_anomaly === false) return;
  const chart = x.series?.startsWith('latency') ? charts.latency : x.series?.startsWith('rate_') || x.series === 'stego_rate' ? charts.methods : x.series === 'fpr' ? charts.quality : charts.throughput;
  chart.mark(x.ts / 1000, 'anomaly');
  const detail = `${x.series} = ${fmtValue(x.value)} (expected ${fmtValue(x.expected)}), ${x.detector}`;
  addEvent('anomaly', x.ts, `anomaly in ${x.series}`, detail);
}

const fmtValue = (v) => (typeof v !== 'number' || !Number.isFinite(v) ? '–' : Math.abs(v) < 1 ? v.toFixed(3) : v.toFixed(1));

function addEvent(kind, ts, title, detail) {
  const list = $('events');
  list.querySelector('.empty')?.remove();
  const li = document.createElement('li');
  li.className = `ev ev-${kind}`;
  const time = new Date(ts ?? Date.now()).toLocaleTimeString();
  li.innerHTML = `<time></time><b></b><span></span>`;
  li.querySelector('time').textContent = time;
  li.querySelector('b').textContent = title;
  li.querySelector('span').textContent = detail;
  list.prepend(li);
  while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
}

function onMessage(m) {
  if (m.type !== 'update' && m.type !== 'snapshot') return;
  if (m.topic.startsWith('windows.')) onWindow(m.data);
  else if (m.topic === 'alerts') onAlert(m.data);
  else if (m.topic === 'anomalies') onAnomaly(m.data);
}

function setStatus(state, detail) {
  const el = $('status');
  el.dataset.state = state;
  el.textContent = detail ? `${state}: ${detail}` : state;
  if (state === 'unauthorized') showLogin(detail);
}

function showLogin(why) {
  $('login').hidden = false;
  $('login-why').textContent = why ?? '';
}

/** The last minutes of windows from InfluxDB (through the API), so the charts do not open empty. */
async function loadHistory(token) {
  if (granularity !== '10s' && granularity !== '1m') return;
  const q = new URLSearchParams({ granularity, minutes: String(HISTORY_MINUTES), model_version: model });
  try {
    const res = await fetch(`/metrics/windows?${q}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) return;
    const { windows } = await res.json();
    for (const w of windows) onWindow(w);
  } catch {
    // no history: the feed fills the charts
  }
}

async function start(token) {
  // The feed refuses a wrong token before the WebSocket opens, which a browser cannot tell from
  // a network failure; one authenticated request tells them apart.
  const check = await fetch('/openapi.json', { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  if (check?.status === 401 || check?.status === 429) {
    sessionStorage.removeItem(TOKEN_KEY);
    setStatus('unauthorized', check.status === 401 ? 'missing or wrong token' : 'too many failed attempts; try again later');
    return;
  }
  await loadHistory(token);
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${proto}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  const topics = [`windows.${granularity}.${segment(model)}.${segment('*')}`, 'alerts', 'anomalies'];
  window.starwatchFeed = connectFeed({ url, topics, onMessage, onStatus: setStatus });
}

$('scope').textContent = `${granularity} windows · rates over 1 minute · model ${model === '*' ? 'all' : model} · all agents`;
$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  const token = $('token').value;
  sessionStorage.setItem(TOKEN_KEY, token);
  $('login').hidden = true;
  void start(token);
});

const token = sessionStorage.getItem(TOKEN_KEY);
if (token) void start(token);
else showLogin('The live feed needs the API token.');
