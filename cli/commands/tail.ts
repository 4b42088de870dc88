// starwatch tail: follows the collector's live feed, one readable line per update (or the raw
// messages as JSON lines). Exits 2 when the collector refuses or drops the connection.
import type { Command } from 'commander';
import { FeedClient } from '../../collector/live/feed-client.ts';
import { decodeTopicSegment, type LiveAlert, type LiveAnomaly, type LiveWindow, type ServerMessage } from '../../schemas/live.ts';

interface TailOptions {
  url: string;
  topic: string[];
  token?: string;
  json?: boolean;
}

const DEFAULT_TOPICS = ['windows.10s.%2A.%2A', 'anomalies', 'alerts', 'forecasts'];

export function registerTail(program: Command): void {
  program
    .command('tail')
    .description('Follow the live feed of a collector, one line per update')
    .option('--url <url>', 'WebSocket URL of the collector', process.env.STARWATCH_LIVE_URL ?? 'ws://127.0.0.1:9471/ws')
    .option('--topic <pattern>', `topic pattern, repeatable (default: ${DEFAULT_TOPICS.join(' ')})`, collect, [])
    .option('--token <token>', 'API token (default: $STARWATCH_API_TOKEN, as the collector reads it)')
    .option('--json', 'print each message as a JSON line')
    .action(async (options: TailOptions) => {
      process.exitCode = await tail(options);
    });
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

async function tail(options: TailOptions): Promise<number> {
  const topics = options.topic.length ? options.topic : DEFAULT_TOPICS;
  const token = options.token ?? process.env.STARWATCH_API_TOKEN;
  const print = (m: ServerMessage) => {
    const line = options.json ? JSON.stringify(m) : formatMessage(m);
    if (line) process.stdout.write(line + '\n');
  };
  const client = await FeedClient.connect(options.url, { token, topics, onMessage: print });
  const stop = () => void client.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const { code, reason } = await client.closed;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  if (code === 1000) return 0;
  process.stderr.write(`starwatch tail: connection closed (${code})${reason ? `: ${reason}` : ''}\n`);
  return 2;
}

/** One line for people; '' for messages not worth a line (acks). */
export function formatMessage(m: ServerMessage): string {
  switch (m.type) {
    case 'hello':
      return `# connected (protocol v${m.protocol}, ${m.topics.length} topics with data)`;
    case 'error':
      return `# error ${m.code}: ${m.message}`;
    case 'bye':
      return `# closing (${m.code}): ${m.reason}`;
    case 'subscribed':
    case 'unsubscribed':
      return `# ${m.type}: ${m.topics.join(' ')}`;
    case 'snapshot':
    case 'update':
      return `${time(m.ts)} ${m.type === 'snapshot' ? '~' : ' '} ${formatUpdate(m.topic, m.data)}`;
  }
}

function formatUpdate(topic: string, data: unknown): string {
  const d = data as Record<string, unknown>;
  if (topic.startsWith('windows.')) return formatWindow(data as LiveWindow);
  if (topic === 'alerts') {
    const a = data as LiveAlert;
    return `ALERT ${a.severity.toUpperCase()} ${a.rule} ${a.state} [${a.key}] ${a.message}`;
  }
  if (topic === 'anomalies') {
    const a = data as LiveAnomaly;
    return `ANOMALY ${a.series} ${num(a.value)} (expected ${num(a.expected)}, score ${num(a.score)}) ${a.detector} [${a.model_version}/${a.agent}]`;
  }
  return `${topic} ${JSON.stringify(d)}`;
}

function formatWindow(w: LiveWindow): string {
  const f = w.fields ?? {};
  const scope = `${w.granularity} ${decodeTopicSegment(w.model_version)}/${w.agent}`;
  const parts = [
    `n=${f.count ?? 0}`,
    `rps=${num(f.rps)}`,
    `err=${pct(f.count ? (f.errors ?? 0) / f.count : undefined)}`,
    `p50=${ms(f.latency_p50)}`,
    `p95=${ms(f.latency_p95)}`,
    `p99=${ms(f.latency_p99)}`,
    `stego=${pct(f.stego_rate)}`,
    `fpr=${pct(f.fpr)}`,
  ];
  return `window ${scope} ${parts.join(' ')}`;
}

const time = (ms: number): string => new Date(ms).toISOString().slice(11, 23);
const num = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '-' : Number(v.toFixed(2)).toString());
const ms = (v: number | undefined): string => (v === undefined ? '-' : `${num(v)}ms`);
const pct = (v: number | undefined): string => (v === undefined ? '-' : `${(v * 100).toFixed(2)}%`);
