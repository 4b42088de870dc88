// The incident the demo injects after a quiet start, so anomalies, alerts and forecasts have
// something to show. The agent has no "add delay" switch, so a latency regression is made the
// way it happens in production: much larger inputs start arriving.
import sharp from 'sharp';
import type { CorpusItem } from './corpus.ts';
import { labelQuery } from './corpus.ts';
import type { ScanRequest } from './traffic.ts';

export const INCIDENT_KINDS = ['latency', 'method', 'format'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const INCIDENT_HELP: Record<IncidentKind, string> = {
  latency: 'a quarter of the requests become 2048x2048 WebP images (libvips decodes a whole WebP, so each costs ~20x a normal scan) (latency p95 regression, new size bucket)',
  method: 'every request is a stego image of one method (a burst of lsb.rgb)',
  format: 'a quarter of the requests are TIFF, a format the detector does not take (errors, unknown format)',
};

export interface Incident {
  kind: IncidentKind;
  /** Replaces the steady traffic's next request (or keeps it). */
  pick(n: number, steady: ScanRequest): ScanRequest;
}

export function parseIncidentKind(text: string): IncidentKind {
  if ((INCIDENT_KINDS as readonly string[]).includes(text)) return text as IncidentKind;
  throw new Error(`unknown incident "${text}"; one of ${INCIDENT_KINDS.join(', ')}`);
}

/** Builds the incident's inputs up front, so injecting it costs no time when it starts. */
export async function prepareIncident(kind: IncidentKind, corpus: CorpusItem[]): Promise<Incident> {
  if (kind === 'latency') {
    const large = await Promise.all([1, 2, 3].map((seed) => noisyImage(seed, 2048, 'webp')));
    return { kind, pick: (n, steady) => (n % 4 === 0 ? { bytes: large[(n / 4) % large.length], query: 'label=clean', what: 'large-webp' } : steady) };
  }
  if (kind === 'method') {
    const burst = corpus.filter((item) => item.label.category === 'stego' && item.label.method === 'lsb.rgb');
    if (burst.length === 0) throw new Error('the corpus holds no lsb.rgb stego images for the method burst');
    return { kind, pick: (n) => asRequest(burst[n % burst.length], 'burst-lsb.rgb') };
  }
  const tiffs = await Promise.all([1, 2].map((seed) => noisyImage(seed, 256, 'tiff')));
  return { kind, pick: (n, steady) => (n % 4 === 0 ? { bytes: tiffs[(n / 4) % tiffs.length], query: 'label=clean', what: 'tiff' } : steady) };
}

export function asRequest(item: CorpusItem, what = 'corpus'): ScanRequest {
  return { bytes: item.bytes, query: labelQuery(item.label), what };
}

/** A textured image that does not compress away (noise on a gradient), deterministic per seed. */
async function noisyImage(seed: number, side: number, format: 'webp' | 'tiff'): Promise<Buffer> {
  const pixels = Buffer.alloc(side * side * 3);
  let state = seed * 2654435761;
  for (let i = 0; i < pixels.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    const gradient = ((i / 3) % side) / side;
    pixels[i] = Math.round(gradient * 160) + (state >>> 26);
  }
  const image = sharp(pixels, { raw: { width: side, height: side, channels: 3 } });
  return format === 'webp' ? image.webp({ quality: 90 }).toBuffer() : image.tiff().toBuffer();
}
