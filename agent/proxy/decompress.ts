// Content-Encoding of an upstream answer, undone with a cap on the output: zlib stops as soon
// as the output passes the cap, so a small bomb (1 MB gzip -> 1 GiB) costs at most the cap in
// memory and runs on libuv's thread pool, not the event loop.
import { brotliDecompress, gunzip, inflate, type ZlibOptions, type BrotliOptions } from 'node:zlib';
import { promisify } from 'node:util';

const UNDO: Record<string, (buf: Buffer, options: ZlibOptions & BrotliOptions) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

export class DecodedTooLarge extends Error {
  override readonly name = 'DecodedTooLarge';
}

/** The answer's bytes as JSON text; rejects with DecodedTooLarge over the cap, else any error for a bad stream. */
export async function decodeContent(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  const undo = UNDO[encoding];
  if (!undo) throw new Error(`unsupported content-encoding ${encoding}`);
  try {
    return await undo(body, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new DecodedTooLarge(`decoded answer passed ${maxBytes} bytes`);
    throw e;
  }
}
