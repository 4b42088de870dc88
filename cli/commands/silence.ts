// starwatch silence add --match rule=fpr_regression --for 2h [--comment ...] | list | expire <id>:
// hold back notifications of matching alerts through the collector's API. Exits 1 on a refused
// request (bad matcher, unknown id), 2 when the collector cannot be reached.
import type { Command } from 'commander';

interface ApiFlags {
  url: string;
  token?: string;
  json?: boolean;
}

interface Silence {
  id: string;
  matchers: Record<string, string>;
  created_at: string;
  ends_at: string;
  comment: string;
}

export function registerSilence(program: Command): void {
  const silence = program.command('silence').description('Hold back alert notifications for a while (add, list, expire)');
  const common = (c: Command): Command =>
    c
      .option('--url <url>', 'HTTP API of the collector', process.env.STARWATCH_API_URL ?? 'http://127.0.0.1:9471')
      .option('--token <token>', 'API token (default: $STARWATCH_API_WRITE_TOKEN to add or expire, $STARWATCH_API_TOKEN to list)')
      .option('--json', 'print the answer as JSON');
  common(silence.command('add').description('Silence alerts matching every --match'))
    .requiredOption('--match <label=value>', 'rule, key, severity, family or scope; a trailing * matches by prefix (repeatable)', collect, [])
    .requiredOption('--for <duration>', 'how long, e.g. 30m, 2h, 1d')
    .option('--comment <text>', 'why (shown in list)')
    .action(async (flags: ApiFlags & { match: string[]; for: string; comment?: string }) => {
      process.exitCode = await run(flags, async () => {
        const matchers = Object.fromEntries(flags.match.map(splitMatcher));
        const { silence: s } = await call<{ silence: Silence }>(flags, '/alerts/silences/add', { matchers, for: flags.for, comment: flags.comment });
        return flags.json ? JSON.stringify(s) : `silenced ${describe(s)}`;
      });
    });
  common(silence.command('list').description('The active silences')).action(async (flags: ApiFlags) => {
    process.exitCode = await run(flags, async () => {
      const { silences } = await call<{ silences: Silence[] }>(flags, '/alerts/silences');
      if (flags.json) return JSON.stringify(silences);
      return silences.length === 0 ? 'no active silences' : silences.map(describe).join('\n');
    });
  });
  common(silence.command('expire').description('End a silence now').argument('<id>', 'id from list')).action(async (id: string, flags: ApiFlags) => {
    process.exitCode = await run(flags, async () => {
      const { silence: s } = await call<{ silence: Silence }>(flags, '/alerts/silences/expire', { id });
      return flags.json ? JSON.stringify(s) : `expired ${s.id}`;
    });
  });
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function splitMatcher(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new CliError(1, `--match takes label=value, got "${text}"`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function describe(s: Silence): string {
  const matchers = Object.entries(s.matchers).map(([k, v]) => `${k}=${v}`).join(' ');
  return `${s.id}  ${matchers}  until ${s.ends_at}${s.comment ? `  (${s.comment})` : ''}`;
}

class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(flags: ApiFlags, path: string, body?: unknown): Promise<T> {
  // Adding and expiring change what people are told: they take the write token.
  const token = flags.token ?? (body === undefined ? process.env.STARWATCH_API_TOKEN : process.env.STARWATCH_API_WRITE_TOKEN ?? process.env.STARWATCH_API_TOKEN);
  let res: Response;
  try {
    res = await fetch(new URL(path, flags.url), {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new CliError(2, `cannot reach the collector at ${new URL(flags.url).origin}: ${(e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`);
  }
  const answer = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new CliError(1, `${res.status} ${answer.error?.code ?? ''}: ${answer.error?.message ?? 'refused'}`);
  return answer;
}

async function run(flags: ApiFlags, body: () => Promise<string>): Promise<number> {
  try {
    process.stdout.write((await body()) + '\n');
    return 0;
  } catch (e) {
    const code = e instanceof CliError ? e.exitCode : 2;
    if (flags.json) process.stdout.write(JSON.stringify({ error: (e as Error).message }) + '\n');
    process.stderr.write(`starwatch silence: ${(e as Error).message}\n`);
    return code;
  }
}
