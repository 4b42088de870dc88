// The benchmarks `npm run bench` runs and `starwatch bench <name>` offers. Adding one is
// writing bench/<name>.ts that exports a Bench and adding it to BENCHES.
import type { Command } from 'commander';
import { v4Bench } from './v4.ts';
import { liveBench } from './live.ts';
import { agentBench } from './agent.ts';
import { pipelineBench } from './pipeline.ts';
import { hostileBench } from './hostile.ts';
import { detectBench } from './detect.ts';
import { clusterBench } from './cluster.ts';

export interface BenchReport {
  name: string;
  /** Human-readable figures. */
  text: string;
  /** The same figures for --json. */
  data: Record<string, unknown>;
}

export interface Bench {
  name: string;
  description: string;
  /** Adds the bench's own flags to its `starwatch bench <name>` command. */
  addOptions(command: Command): Command;
  /** Runs with parsed flags; `npm run bench` passes {} so defaults must be sensible. */
  run(options: Record<string, unknown>): Promise<BenchReport>;
}

export const BENCHES: Bench[] = [v4Bench, liveBench, agentBench, pipelineBench, detectBench, hostileBench, clusterBench];
