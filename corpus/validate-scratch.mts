import { readdir, readFile } from 'node:fs/promises';
import { readLabel } from './labels.ts';
import { readPayload } from './readback.ts';
for (const dir of ['/tmp/corpus-1000', '/tmp/corpus-photos']) {
  let ok = 0, bad = 0; const lengths: Record<string, number[]> = {};
  for (const name of (await readdir(dir)).filter((n) => !n.endsWith('.json'))) {
    const label = await readLabel(`${dir}/${name}`);
    if (label.category !== 'stego') continue;
    try {
      const p = await readPayload(await readFile(`${dir}/${name}`), label);
      if (p.length === label.payload_bytes) ok++; else { bad++; console.log('len', name); }
      (lengths[label.method] ??= []).push(p.length);
    } catch (e) { bad++; console.log(name, (e as Error).message); }
  }
  console.log(dir, 'ok', ok, 'bad', bad);
  for (const [m, l] of Object.entries(lengths)) { l.sort((a, b) => a - b); console.log(' ', m, 'min', l[0], 'median', l[l.length >> 1], 'max', l.at(-1)); }
}
