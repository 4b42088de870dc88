// starwatch compare: several models on one labelled dataset, the validation metrics side by side.
import type { Command } from 'commander';
import type { SingleBar } from 'cli-progress';
import { isV4Error } from '../../v4/errors.ts';
import { stat, writeFile } from 'node:fs/promises';
import { compareMarkdown, compareModels, compareText } from '../../validate/compare.ts';
import { loadDatasetFlags } from '../../validate/dataset.ts';
import { isValidateError } from '../../validate/errors.ts';
import { DATASET_HELP, METHOD_ALIAS_HELP, startBar, type CommandIo } from './validate.ts';

export interface CompareFlags {
  models: string[];
  dataset: string | string[];
  methodAlias?: string;
  json?: boolean;
  report?: string;
}

const STDIO: CommandIo = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
};

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('Run several models on one labelled dataset and show their metrics side by side')
    .requiredOption('--models <paths...>', 'ONNX models to compare')
    .requiredOption('--dataset <dirs...>', DATASET_HELP)
    .option('--method-alias <pairs>', METHOD_ALIAS_HELP)
    .option('--json', 'print the validation results as a JSON array')
    .option('--report <file>', 'write the comparison as Markdown (FPR by format, detection by method, latency, model size)')
    .action(async (flags: CompareFlags) => {
      process.exitCode = await runCompare(flags);
    });
}

export async function runCompare(flags: CompareFlags, io: CommandIo = STDIO, tty = process.stderr.isTTY === true): Promise<number> {
  let bar: SingleBar | null = null;
  try {
    const { name: dataset, items } = await loadDatasetFlags(flags.dataset, flags.methodAlias);
    const reports = await compareModels({
      modelPaths: flags.models,
      dataset,
      items,
      onModel: (i, path) => {
        bar?.stop();
        bar = tty ? startBar(items.length, `model ${i + 1}/${flags.models.length} ${path}`) : null;
      },
      onItem: (done) => bar?.update(done),
    });
    (bar as SingleBar | null)?.stop();
    io.out(flags.json ? JSON.stringify(reports, null, 2) : compareText(reports));
    if (flags.report) {
      const sizes = await Promise.all(flags.models.map(async (m) => (await stat(m)).size));
      await writeFile(flags.report, compareMarkdown(reports, sizes));
      io.err(`report written to ${flags.report}`);
    }
    return 0;
  } catch (e) {
    (bar as SingleBar | null)?.stop();
    if (isValidateError(e) || isV4Error(e)) {
      io.err(`compare: ${e.code}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
