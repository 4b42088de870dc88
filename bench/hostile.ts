// `starwatch bench hostile`: every hostile-input attack of bench/hostile/*.ts against a real agent
// or collector child process; per attack its peak RSS against the shipped k8s memory limit,
// /healthz p99 while it ran (target < 100 ms) and what the target counted.
import type { Command } from 'commander';
import { attacks as agentAttacks } from './hostile/agent.ts';
import { attacks as collectorAttacks } from './hostile/collector.ts';
import { attacks as securityAttacks } from './hostile/security.ts';
import type { HostileAttack, HostileResult } from './hostile/types.ts';
import type { Bench, BenchReport } from './registry.ts';

const HEALTHZ_P99_TARGET_MS = 100;
const ALL: Record<string, HostileAttack> = { ...agentAttacks, ...collectorAttacks, ...securityAttacks };

function within(r: HostileResult): boolean {
  return r.peakRssMb <= r.limitMb && r.healthzP99Ms < HEALTHZ_P99_TARGET_MS;
}

function row(r: HostileResult): string {
  const counted = Object.entries(r.counted).map(([k, v]) => `${k}=${v}`).join(' ');
  return `${within(r) ? 'ok  ' : 'FAIL'} ${r.attack.padEnd(28)} ${r.target.padEnd(9)} ` +
    `rss ${r.peakRssMb.toFixed(0).padStart(5)}/${r.limitMb} MB  healthz p99 ${r.healthzP99Ms.toFixed(1).padStart(6)} ms  ${counted}`;
}

async function run(options: Record<string, unknown>): Promise<BenchReport> {
  const only = typeof options.only === 'string' ? options.only.split(',') : Object.keys(ALL);
  const results: HostileResult[] = [];
  for (const name of only) {
    const attack = ALL[name];
    if (!attack) throw new Error(`no attack named ${name} (have: ${Object.keys(ALL).join(', ')})`);
    results.push(await attack());
  }
  const failed = results.filter((r) => !within(r)).length;
  const text = [...results.map(row), `${results.length - failed} within limits, ${failed} not`].join('\n');
  return { name: 'hostile', text, data: { results, healthzP99TargetMs: HEALTHZ_P99_TARGET_MS, failed } };
}

export const hostileBench: Bench = {
  name: 'hostile',
  description: 'hostile input against a real agent and collector: peak RSS vs k8s limit, /healthz p99, counters',
  addOptions: (command: Command) => command.option('--only <names>', 'comma-separated attack names'),
  run,
};
