// What the deployment files must agree with, read from the code itself: the CLI's commands and
// their flags, the environment variables the code reads, and the HTTP paths the servers answer.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerAgent } from '../../cli/commands/agent.ts';
import { registerCollector } from '../../cli/commands/collector.ts';
import { SETTINGS, envName } from '../../collector/config.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

const program = new Command('starwatch');
registerAgent(program);
registerCollector(program);

export interface CliCommand {
  flags: Set<string>;
  defaults: Map<string, unknown>;
}

/** The deployed commands and their long flags (with --no-x forms), as commander knows them. */
export const COMMANDS = new Map<string, CliCommand>(
  program.commands.map((c) => [
    c.name(),
    {
      flags: new Set(c.options.map((o) => o.long!).concat(['--help'])),
      defaults: new Map(c.options.map((o) => [o.long!, o.defaultValue])),
    },
  ]),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Environment variables the deployed code reads: the collector's settings and any process.env.X. */
export const ENV_READ = new Set<string>([
  ...SETTINGS.map((s) => envName(s.path)),
  ...['agent', 'collector', 'cli', 'schemas'].flatMap((d) =>
    sourceFiles(d).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/process\.env\.([A-Z0-9_]+)/g)].map((m) => m[1])),
  ),
]);

/** The HTTP paths a server source file routes (`path === '/x'`). */
export function routedPaths(file: string): Set<string> {
  return new Set([...read(file).matchAll(/path === '(\/[^']*)'/g)].map((m) => m[1]));
}

/** Repository files (relative paths) that `entry` reaches through relative .ts imports. */
export function importClosure(entry: string): string[] {
  const seen = new Set<string>();
  const stack = [resolve(ROOT, entry)];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)) {
      const target = resolve(dirname(file), m[1] ?? m[2]);
      if (target.endsWith('.ts') && existsSync(target)) stack.push(target);
    }
  }
  return [...seen].map((f) => relative(ROOT, f));
}

/** The flags of an argument list: `--x` and `--x=v` forms. */
export const flagsOf = (args: string[]): string[] => args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]);

/** The value after `flag` in an argument list. */
export const valueOf = (args: string[], flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};

export const VERSION: string = JSON.parse(read('package.json')).version;
export const IMAGE = `starwatch:${VERSION}`;
