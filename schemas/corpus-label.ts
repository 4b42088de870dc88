// The label sidecar beside every corpus image (same base name + .json), and `readLabel`, which
// later code (validation, golden probes, the demo) uses to read one back with every field
// checked. A contract between the corpus that writes labels and everything that reads them, so
// readers (the agent's probes) need no corpus code.
import { readFile } from 'node:fs/promises';
import { IMAGE_FORMATS, type BitOrder, type ImageFormat, type StegoMethod } from '../v4/contract.ts';

type Method = StegoMethod;

/** A label that cannot be read or breaks the contract; `code` as the corpus errors have it. */
export class LabelError extends Error {
  readonly code = 'CORPUS_BAD_LABEL';

  constructor(message: string) {
    super(message);
    this.name = 'LabelError';
  }
}

export type Format = ImageFormat;
export type Mode = 'RGB' | 'RGBA' | 'P';
export type LabelBitOrder = BitOrder;

interface CommonFields {
  format: Format;
  mode: Mode;
  width: number;
  height: number;
  /** The item's own seed: it alone decides cover, options and message. */
  seed: number;
  /** "procedural" or the photo's file name. */
  cover: string;
}

export interface CleanLabel extends CommonFields {
  category: 'clean';
}

export interface StegoLabel extends CommonFields {
  category: 'stego';
  method: Method;
  bit_order: LabelBitOrder;
  /** Length of the hidden message itself, without framing ("AI42", 0x00, "ASCII\0\0\0"). */
  payload_bytes: number;
  message_kind: string;
}

export type Label = CleanLabel | StegoLabel;

const FORMATS: readonly Format[] = IMAGE_FORMATS;
const MODES: readonly Mode[] = ['RGB', 'RGBA', 'P'];
const METHOD_RULES: Record<Method, { formats: Format[]; orders: LabelBitOrder[] }> = {
  alpha: { formats: ['PNG'], orders: ['lsb-first'] },
  palette: { formats: ['GIF', 'PNG'], orders: ['lsb-first', 'msb-first'] },
  'lsb.rgb': { formats: ['PNG', 'BMP'], orders: ['lsb-first', 'msb-first'] },
  exif: { formats: ['JPEG', 'PNG', 'WEBP'], orders: ['none'] },
  raw: { formats: ['JPEG', 'PNG', 'GIF', 'WEBP'], orders: ['none'] },
};

export function sidecarPath(imagePath: string): string {
  const dot = imagePath.lastIndexOf('.');
  const slash = Math.max(imagePath.lastIndexOf('/'), imagePath.lastIndexOf('\\'));
  return (dot > slash ? imagePath.slice(0, dot) : imagePath) + '.json';
}

/** Reads and checks the label of an image (give the image's path or the sidecar's). */
export async function readLabel(path: string): Promise<Label> {
  const file = path.endsWith('.json') ? path : sidecarPath(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new LabelError(`cannot read label ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LabelError(`label ${file} is not JSON: ${(error as Error).message}`);
  }
  return validateLabel(value, file);
}

export function validateLabel(value: unknown, where = 'label'): Label {
  const fail = (why: string): never => {
    throw new LabelError(`${where}: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not an object');
  const v = value as Record<string, unknown>;
  if (!FORMATS.includes(v.format as Format)) fail(`format must be one of ${FORMATS.join(', ')}`);
  if (!MODES.includes(v.mode as Mode)) fail(`mode must be one of ${MODES.join(', ')}`);
  for (const key of ['width', 'height', 'seed']) {
    if (!Number.isInteger(v[key]) || (v[key] as number) < 0) fail(`${key} must be a non-negative integer`);
  }
  if (typeof v.cover !== 'string') fail('cover must be a string');
  if (v.category === 'clean') return v as unknown as CleanLabel;
  if (v.category !== 'stego') return fail('category must be "clean" or "stego"');
  const rules = METHOD_RULES[v.method as Method];
  if (!rules || !Object.hasOwn(METHOD_RULES, v.method as string)) return fail(`unknown method ${String(v.method)}`);
  if (!rules.formats.includes(v.format as Format)) fail(`method ${v.method} does not come in ${v.format}`);
  if (!rules.orders.includes(v.bit_order as LabelBitOrder)) fail(`method ${v.method} has no bit_order ${String(v.bit_order)}`);
  if (!Number.isInteger(v.payload_bytes) || (v.payload_bytes as number) < 1) fail('payload_bytes must be a positive integer');
  if (typeof v.message_kind !== 'string') fail('message_kind must be a string');
  return v as unknown as StegoLabel;
}

/** "clean" or "stego:<method>", the key summaries count by. */
export function labelKey(label: Label): string {
  return label.category === 'clean' ? 'clean' : `stego:${label.method}`;
}
