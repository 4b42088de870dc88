// Detection per method, split by what the payload is (text kinds against random bytes) and by
// bit order, from `starwatch scan --json` lines and the corpus labels beside each file. validate
// reports detection per method only; a method whose misses are all random-byte payloads (no zero
// top bits to find) needs a different fix from one that misses text.
//
//   node bin/starwatch.js scan --json CORPUS_DIR | node --import tsx models/detection-by-payload.ts
import { createInterface } from 'node:readline';
import { readLabel } from '../schemas/corpus-label.ts';
import { cell, type Rate } from './card-table.ts';

function count(tallies: Map<string, Rate>, key: string, hit: boolean): void {
  const t = tallies.get(key) ?? { hits: 0, n: 0 };
  t.n++;
  if (hit) t.hits++;
  tallies.set(key, t);
}

// Piped into `head`, the reader may go away early; that is not an error of this tool.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

async function main(): Promise<void> {
  const detection = new Map<string, Rate>();
  const bitOrder = new Map<string, Rate>();
  for await (const line of createInterface({ input: process.stdin })) {
    const scan = JSON.parse(line);
    const label = await readLabel(scan.file);
    if (label.category !== 'stego' || !scan.ok) continue;
    const payload = label.message_kind === 'bytes' ? 'random bytes' : 'text';
    count(detection, `${label.method}, ${payload}`, scan.verdict.isStego);
    if (label.bit_order !== 'none') {
      count(detection, `${label.method}, ${label.bit_order}`, scan.verdict.isStego);
      count(bitOrder, `${label.method}, ${label.bit_order}, ${payload}`, scan.verdict.bitOrder === label.bit_order);
    }
  }
  const rows = (m: Map<string, Rate>) => [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, t]) => `| ${k} | ${cell(t)} |`);
  console.log(['| stego images | detected (hits/n; 95% interval) |', '|---|---|', ...rows(detection)].join('\n'));
  console.log();
  console.log(['| stego images | bit order named right |', '|---|---|', ...rows(bitOrder)].join('\n'));
}

await main();
