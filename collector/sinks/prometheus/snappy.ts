// Snappy block format, as Prometheus remote write requires (Content-Encoding: snappy), written as
// literals only: a valid stream every snappy decoder reads, without a compressor or an npm
// dependency. The bodies are small (a few hundred window series a flush), so the bytes a real
// compressor would save are not worth a native or vendored library here.

/** Longest literal per element: 2-byte length form (tag 61), so 65536 bytes. */
const MAX_LITERAL = 65_536;

export function snappyLiterals(input: Uint8Array): Buffer {
  const parts: Buffer[] = [varint(input.length)];
  for (let at = 0; at < input.length; at += MAX_LITERAL) {
    const chunk = input.subarray(at, Math.min(input.length, at + MAX_LITERAL));
    parts.push(literalTag(chunk.length), Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
  }
  return Buffer.concat(parts);
}

function literalTag(length: number): Buffer {
  const n = length - 1;
  if (n < 60) return Buffer.from([n << 2]);
  if (n < 0x100) return Buffer.from([60 << 2, n]);
  return Buffer.from([61 << 2, n & 0xff, n >> 8]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}
