// Three statistics of a packed bit stream (LSBs packed MSB-first into bytes), as the reference
// computes them: sampled uniqueness, printable share, most-common share.

const SAMPLE_TARGET = 1000;
const SMALL = 256;

export function contentStats(bytes: Uint8Array): [number, number, number] {
  const n = bytes.length;
  if (n === 0) return [0, 0, 0];
  const counts = new Uint32Array(256);
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    counts[b]++;
    if (b >= 32 && b <= 126) printable++;
  }
  let most = 0;
  for (let v = 0; v < 256; v++) if (counts[v] > most) most = counts[v];
  return [uniqueness(bytes, counts), printable / n, most / n];
}

function uniqueness(bytes: Uint8Array, counts: Uint32Array): number {
  const n = bytes.length;
  if (n <= SMALL) {
    let distinct = 0;
    for (let v = 0; v < 256; v++) if (counts[v] > 0) distinct++;
    return distinct / n;
  }
  const step = Math.max(1, Math.floor(n / SAMPLE_TARGET));
  const seen = new Uint8Array(256);
  let distinct = 0;
  for (let i = 0; i < n; i += step) {
    if (!seen[bytes[i]]) {
      seen[bytes[i]] = 1;
      distinct++;
    }
  }
  return Math.min(1, distinct / 256);
}
