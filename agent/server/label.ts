// Ground truth sent with a request (golden probes, labelled test traffic): either query
// parameters ?label=clean|stego&method=...&bit_order=... or an X-Starwatch-Label header,
// "stego; method=lsb.rgb; bit_order=lsb-first" or the same as JSON.
import type { IncomingHttpHeaders } from 'node:http';
import { Label } from '../../schemas/inference-event.ts';
import { DEFAULT_METHOD_ALIASES, withMethodResolved, type MethodAliases } from '../../schemas/method-aliases.ts';
import { validator } from '../../schemas/validate.ts';

const checkLabel = validator(Label);
const LABEL_HELP =
  'label is clean or stego; method one of alpha, palette, lsb.rgb, exif, raw (or an alias: eoi, lsb); bit_order one of lsb-first, msb-first, none';

export type LabelResult = { ok: true; label: Label | undefined } | { ok: false; message: string };

function fromHeader(header: string): unknown {
  const text = header.trim();
  if (text.startsWith('{')) return JSON.parse(text);
  const [category, ...rest] = text.split(';').map((s) => s.trim());
  const label: Record<string, string> = { category };
  for (const part of rest) {
    const [key, value] = part.split('=').map((s) => s.trim());
    if (key) label[key] = value ?? '';
  }
  return label;
}

function fromQuery(query: URLSearchParams): unknown {
  const label: Record<string, string> = { category: query.get('label') ?? '' };
  const method = query.get('method');
  const bitOrder = query.get('bit_order');
  if (method) label.method = method;
  if (bitOrder) label.bit_order = bitOrder;
  return label;
}

export function parseLabel(query: URLSearchParams, headers: IncomingHttpHeaders, aliases: MethodAliases = DEFAULT_METHOD_ALIASES): LabelResult {
  const header = headers['x-starwatch-label'];
  let raw: unknown;
  try {
    if (typeof header === 'string' && header.trim()) raw = fromHeader(header);
    else if (query.has('label')) raw = fromQuery(query);
    else return { ok: true, label: undefined };
  } catch {
    return { ok: false, message: 'X-Starwatch-Label is not valid JSON' };
  }
  const checked = checkLabel(withMethodResolved(raw, aliases));
  if (!checked.ok) return { ok: false, message: `bad label (${checked.reason}): ${LABEL_HELP}` };
  return { ok: true, label: checked.value };
}
