// Decode + stream-building cost per format over the parity images: wall time per phase one at
// a time, process CPU per image (sharp's worker threads included: on a 2-core box CPU is what
// bounds throughput), and wall time with a few in flight (sharp decodes off the main thread).
// Run: node --import tsx bench/v4-preprocess.ts [rounds]
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { preprocess } from '../v4/preprocess.ts';

const DIR = join(import.meta.dirname, '..', 'test', 'fixtures', 'parity', 'images');
const rounds = Number(process.argv[2] ?? 30);

const byFormat = new Map<string, Uint8Array[]>();
for (const name of readdirSync(DIR).sort()) {
  const ext = extname(name).slice(1);
  byFormat.set(ext, [...(byFormat.get(ext) ?? []), new Uint8Array(readFileSync(join(DIR, name)))]);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
// The fastest run of each file, averaged over files: what a phase costs when nothing else
// competes for the core (this machine is shared, so medians carry other people's load).
const bestOf = (xs: number[], files: number): number => {
  let sum = 0;
  for (let f = 0; f < files; f++) sum += Math.min(...xs.filter((_, i) => i % files === f));
  return sum / files;
};

for (const [ext, files] of byFormat) {
  for (const f of files) await preprocess(f); // warm up
  const decode: number[] = [];
  const pre: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const f of files) {
      const p = await preprocess(f);
      decode.push(p.decodeMs);
      pre.push(p.preprocessMs);
    }
  }
  const serialMs = (performance.now() - t0) / (rounds * files.length);
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / (rounds * files.length);
  let next = 0;
  const total = rounds * files.length;
  const t1 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) await preprocess(files[next++ % files.length]);
  };
  await Promise.all([worker(), worker(), worker()]);
  const parallelMs = (performance.now() - t1) / total;
  console.log(
    `${ext.padEnd(5)} ${String(files.length).padStart(2)} files  decode p50 ${median(decode).toFixed(3)} ms ` +
      `(best ${bestOf(decode, files.length).toFixed(3)})  preprocess p50 ${median(pre).toFixed(3)} ms ` +
      `(best ${bestOf(pre, files.length).toFixed(3)})  serial ${serialMs.toFixed(3)} ms/img  cpu ${cpuMs.toFixed(3)} ms/img  ` +
      `3-in-flight ${parallelMs.toFixed(3)} ms/img`,
  );
}
