// starwatch validate: judges a model on a labelled dataset (metrics, targets, regression rules
// against a baseline, optional ablation, Markdown report, publishing to NATS).
// Exit codes: 0 fine, 1 a regression rule broke, 2 the run could not be done, 3 publishing
// did not complete (results are still printed).
import { writeFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { isV4Error } from '../../v4/errors.ts';
import { DEFAULT_LIMITS } from '../../v4/limits.ts';
import { baselineOf, readBaseline, writeBaseline } from '../../validate/baseline.ts';
import { loadDatasetFlags } from '../../validate/dataset.ts';
import { isValidateError } from '../../validate/errors.ts';
import { publishValidation, type PublishOutcome } from '../../validate/publish.ts';
import { reportMarkdown } from '../../validate/report-md.ts';
import { summaryText } from '../../validate/text-summary.ts';
import { VALIDATION_SUBJECT } from '../../validate/summary-points.ts';
import { validateModel } from '../../validate/validation.ts';
import { positiveInt } from './scan.ts';

export interface ValidateFlags {
  model: string;
  /** One folder or several (each Starwatch's layout, a Starlight dataset, or a folder of those). */
  dataset: string | string[];
  methodAlias?: string;
  baseline?: string;
  json?: boolean;
  report?: string;
  writeBaseline?: string;
  ablate?: boolean;
  publish?: string;
  agentId?: string;
  maxBytes?: number;
  maxPixels?: number;
}

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const STDIO: CommandIo = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
};

export const DATASET_HELP =
  'one or more datasets: folders of images with .json label sidecars (starwatch generate writes one), ' +
  "Starlight datasets (clean/ and stego/{payload}_{algorithm}_{index}.ext), or a folder of Starlight datasets";
export const METHOD_ALIAS_HELP = 'more method names, e.g. "steg=lsb.rgb" (eoi=raw and lsb=lsb.rgb are built in)';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Judge a model on a labelled dataset: FPR, detection, latency, regression rules')
    .requiredOption('--model <path>', 'ONNX model to validate')
    .requiredOption('--dataset <dirs...>', DATASET_HELP)
    .option('--method-alias <pairs>', METHOD_ALIAS_HELP)
    .option('--baseline <file>', 'baseline to check the regression rules against (a --write-baseline file or a --json output)')
    .option('--json', 'print the full result as JSON (usable as a baseline later)')
    .option('--report <file>', 'write a Markdown dashboard')
    .option('--write-baseline <file>', 'write this run as a baseline file')
    .option('--ablate', 'zero each declared stream in turn and rank the streams by impact')
    .option('--publish <servers>', 'send labelled events and the summary to NATS (comma-separated URLs)')
    .option('--agent-id <id>', 'agent id the published events carry', 'validate')
    .option('--max-bytes <n>', 'largest file accepted', positiveInt, DEFAULT_LIMITS.maxBytes)
    .option('--max-pixels <n>', 'largest width x height accepted', positiveInt, DEFAULT_LIMITS.maxPixels)
    .action(async (flags: ValidateFlags) => {
      process.exitCode = await runValidate(flags);
    });
}

export async function runValidate(flags: ValidateFlags, io: CommandIo = STDIO, tty = process.stderr.isTTY === true): Promise<number> {
  let bar: SingleBar | null = null;
  try {
    const baseline = flags.baseline ? await readBaseline(flags.baseline) : null;
    const { name: dataset, items } = await loadDatasetFlags(flags.dataset, flags.methodAlias);
    bar = tty ? startBar(items.length, flags.ablate ? 'validating + ablation' : 'validating') : null;
    const { report, results } = await validateModel({
      modelPath: flags.model,
      dataset,
      items,
      baseline,
      ablate: flags.ablate,
      limits: { maxBytes: flags.maxBytes ?? DEFAULT_LIMITS.maxBytes, maxPixels: flags.maxPixels ?? DEFAULT_LIMITS.maxPixels },
      onItem: (done) => bar?.update(done),
    });
    bar?.stop();
    bar = null;
    let published: PublishOutcome | null = null;
    if (flags.publish) {
      const servers = flags.publish.split(',').map((s) => s.trim()).filter(Boolean);
      published = await publishValidation(report, results, { servers, agentId: flags.agentId });
    }
    if (flags.report) await writeFile(flags.report, reportMarkdown(report));
    if (flags.writeBaseline) await writeBaseline(flags.writeBaseline, baselineOf(report.metrics, report.model, report.dataset, report.created));
    io.out(flags.json ? JSON.stringify(published ? { ...report, published } : report, null, 2) : summaryText(report));
    if (published) io.err(publishLine(published));
    if (flags.report) io.err(`report written to ${flags.report}`);
    if (flags.writeBaseline) io.err(`baseline written to ${flags.writeBaseline}`);
    if (report.regression && !report.regression.passed) return 1;
    return published && !published.complete ? 3 : 0;
  } catch (e) {
    bar?.stop();
    if (isValidateError(e) || isV4Error(e)) {
      io.err(`validate: ${e.code}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

function publishLine(p: PublishOutcome): string {
  const state = p.complete ? 'published' : 'publishing INCOMPLETE';
  return `${state}: ${p.eventsSent} labelled events acknowledged (${p.eventsDropped} dropped), ${p.summaryPoints} summary points on ${VALIDATION_SUBJECT}, run_id ${p.runId}`;
}

export function startBar(total: number, what: string): SingleBar {
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${what} [{bar}] {value}/{total} {eta_formatted} left`,
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0);
  return bar;
}
