// The live page: window updates become chart points and tiles; alerts and anomalies become
// markers on the charts and lines in the side list. Settings come from the URL fragment
// (never sent to the server): #token=T&g=1s&model=2.0.0. The token is taken out of the URL as
// soon as it is read (history.replaceState), so it stays out of history and bookmarks; the tab
// keeps it in sessionStorage for reloads.
import { LiveChart } from './charts.js';
import { connectFeed } from './feed.js';

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
const granularity = settings.get('g') || '1s';
const model = settings.get('model') || '*';
const $ = (id) => document.getElementById(id);

const pct = (v) => (v == null ? '–' : `${(v * 100).toFixed(v < 0.01 && v > 0 ? 2 : 1)}%`);
const ms = (v) => (v == null ? '–' : `${v.toFixed(v < 10 ? 2 : 1)} ms`);
const num = (v) => (v == null ? '–' : v >= 100 || v === 0 ? v.toFixed(0) : v.toFixed(1));

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
  const f = w.fields;
  const t = w.end / 1000;
  const seconds = Math.max(1, (w.end - w.start) / 1000);
  charts.throughput.push(t, [f.rps, (f.errors ?? 0) / seconds]);
  charts.latency.push(t, [f.latency_p50, f.latency_p95, f.latency_p99]);
  charts.quality.push(t, [detectionRate(f), f.fpr]);
  charts.methods.push(t, [f.stego_rate, ...METHODS.map(([m]) => f[`rate_${m}`])]);
  $('k-rps').textContent = num(f.rps);
  $('k-p95').textContent = ms(f.latency_p95);
  $('k-err').textContent = pct(f.count ? (f.errors ?? 0) / f.count : null);
  $('k-stego').textContent = pct(f.stego_rate);
  $('k-fpr').textContent = pct(f.fpr);
}

/** Detection rate over all labelled stego methods, weighted by how many of each were labelled. */
function detectionRate(f) {
  let hit = 0;
  let n = 0;
  for (const [m] of METHODS) {
    const k = f[`det_${m}_n`] ?? 0;
    if (k > 0 && f[`det_${m}`] != null) {
      hit += f[`det_${m}`] * k;
      n += k;
    }
  }
  return n > 0 ? hit / n : null;
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

async function start(token) {
  // The feed refuses a wrong token before the WebSocket opens, which a browser cannot tell from
  // a network failure; one authenticated request tells them apart.
  const check = await fetch('/openapi.json', { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  if (check?.status === 401 || check?.status === 429) {
    sessionStorage.removeItem(TOKEN_KEY);
    setStatus('unauthorized', check.status === 401 ? 'missing or wrong token' : 'too many failed attempts; try again later');
    return;
  }
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${proto}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  const topics = [`windows.${granularity}.${segment(model)}.${segment('*')}`, 'alerts', 'anomalies'];
  window.starwatchFeed = connectFeed({ url, topics, onMessage, onStatus: setStatus });
}

$('scope').textContent = `${granularity} windows · model ${model === '*' ? 'all' : model} · all agents`;
$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  const token = $('token').value;
  sessionStorage.setItem(TOKEN_KEY, token);
  $('login').hidden = true;
  start(token);
});

const token = sessionStorage.getItem(TOKEN_KEY);
if (token) start(token);
else showLogin('The live feed needs the API token.');
