// starwatch scan FILE|DIR...: one verdict per image, as a table or JSON lines. A file that
// fails shows its typed error code and the scan goes on; the exit code is 1 if any failed.
import { readFile, stat } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { isV4Error } from '../../v4/errors.ts';
import { DEFAULT_LIMITS } from '../../v4/limits.ts';
import { V4Path, type ScanResult } from '../../v4/path.ts';
import { isImageFile, listFiles } from '../../v4/image-files.ts';


interface ScanOptions {
  json?: boolean;
  model?: string;
  maxBytes: number;
  maxPixels: number;
}

type FileOutcome = { file: string; ok: true; result: ScanResult } | { file: string; ok: false; code: string; message: string };

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('Scan image files or folders with the V4 detector')
    .argument('<paths...>', 'files or folders (folders are walked for .png .jpg .gif .webp .bmp)')
    .option('--json', 'print JSON lines instead of a table')
    .option('--model <path>', 'ONNX model (default: the reference model)')
    .option('--max-bytes <n>', 'largest file accepted', positiveInt, DEFAULT_LIMITS.maxBytes)
    .option('--max-pixels <n>', 'largest width x height accepted', positiveInt, DEFAULT_LIMITS.maxPixels)
    .action(async (paths: string[], options: ScanOptions) => {
      process.exitCode = await scanCommand(paths, options);
    });
}

/** Files named on the command line, plus the images found under named folders (sorted). */
async function expand(paths: string[]): Promise<{ files: string[]; sawDir: boolean }> {
  const files: string[] = [];
  let sawDir = false;
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (s?.isDirectory()) {
      sawDir = true;
      files.push(...(await listFiles(p, isImageFile)));
    } else {
      files.push(p); // missing files are reported when scanned
    }
  }
  return { files, sawDir };
}

async function scanFile(path: V4Path, file: string): Promise<FileOutcome> {
  try {
    // The size limit is checked before the file is read.
    const size = (await stat(file)).size;
    if (size > path.limits.maxBytes) {
      return { file, ok: false, code: 'TOO_MANY_BYTES', message: `${size} bytes, the limit is ${path.limits.maxBytes}` };
    }
    return { file, ok: true, result: await path.scan(await readFile(file)) };
  } catch (e) {
    if (isV4Error(e)) return { file, ok: false, code: e.code, message: e.message };
    const err = e as NodeJS.ErrnoException;
    return { file, ok: false, code: 'READ_ERROR', message: err.message };
  }
}

async function scanCommand(paths: string[], options: ScanOptions): Promise<number> {
  let path: V4Path;
  try {
    path = await V4Path.load({
      modelPath: options.model,
      limits: { maxBytes: options.maxBytes, maxPixels: options.maxPixels },
    });
  } catch (e) {
    process.stderr.write(`${isV4Error(e) ? e.code : 'ERROR'}: ${(e as Error).message}\n`);
    return 2;
  }
  const { files, sawDir } = await expand(paths);
  const print = options.json ? jsonLine : tableRow(files);
  const bar = sawDir && process.stderr.isTTY ? startBar(files.length) : null;
  if (!options.json) emit(tableHeader(files), bar);
  let failed = 0;
  for (const file of files) {
    const outcome = await scanFile(path, file);
    if (!outcome.ok) failed++;
    emit(print(outcome), bar);
    bar?.increment();
  }
  bar?.stop();
  await path.close();
  if (files.length === 0) process.stderr.write('no images found\n');
  return failed > 0 ? 1 : 0;
}

function startBar(total: number): SingleBar {
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'scanning [{bar}] {value}/{total} {eta_formatted} left',
    forceRedraw: true,
    hideCursor: true,
  });
  bar.start(total, 0);
  return bar;
}

/** Writes a line to stdout; clears the bar's line first so the two do not overwrite each other. */
function emit(line: string, bar: SingleBar | null): void {
  if (bar && process.stdout.isTTY) process.stderr.write('\r\x1b[K');
  process.stdout.write(line + '\n');
}

function jsonLine(o: FileOutcome): string {
  if (o.ok) return JSON.stringify({ file: o.file, ok: true, ...o.result });
  return JSON.stringify({ file: o.file, ok: false, error: { code: o.code, message: o.message } });
}

const COLUMNS = ['FORMAT', 'MODE', 'SIZE', 'VERDICT', 'P(STEGO)', 'METHOD', 'BIT ORDER', 'MS'];
const WIDTHS = [6, 4, 9, 12, 8, 7, 9, 6];

function fileWidth(files: string[]): number {
  return Math.min(60, Math.max(4, ...files.map((f) => f.length)));
}

function row(first: string, width: number, cells: string[]): string {
  return [first.padEnd(width), ...cells.map((c, i) => c.padEnd(WIDTHS[i]))].join('  ').trimEnd();
}

function tableHeader(files: string[]): string {
  return row('FILE', fileWidth(files), COLUMNS);
}

function tableRow(files: string[]): (o: FileOutcome) => string {
  const width = fileWidth(files);
  return (o) => {
    if (!o.ok) return `${o.file.padEnd(width)}  ERROR ${o.code}: ${o.message}`;
    const { info, verdict: v, timings } = o.result;
    return row(o.file, width, [
      info.format,
      info.mode,
      `${info.width}x${info.height}`,
      // The model's method in a container that cannot hold it (v4/container-rule.ts).
      v.isStego ? 'STEGO' : v.ruledOut ? 'clean (rule)' : 'clean',
      v.stegoProb.toFixed(4),
      v.isStego || v.ruledOut ? (v.method ?? '-') : '-',
      v.isStego ? (v.bitOrder ?? '-') : '-',
      timings.totalMs.toFixed(1),
    ]);
  };
}
