// The label of a golden probe, from the JSON sidecar beside the image (same base name +
// .json). A full corpus label is checked by schemas/corpus-label.ts; a minimal one
// ({"category":"clean"} or {"category":"stego","method":...,"bit_order":...}) is accepted
// too, checked against the event contract's Label.
import { readFile } from 'node:fs/promises';
import { readLabel, sidecarPath } from '../../schemas/corpus-label.ts';
import { Label } from '../../schemas/inference-event.ts';
import { validator } from '../../schemas/validate.ts';

const checkLabel = validator(Label);

/** Only the fields an event carries. */
function eventLabel(raw: { category: string; method?: unknown; bit_order?: unknown }): unknown {
  const label: Record<string, unknown> = { category: raw.category };
  if (raw.method !== undefined) label.method = raw.method;
  if (raw.bit_order !== undefined) label.bit_order = raw.bit_order;
  return label;
}

export async function readProbeLabel(imagePath: string): Promise<Label> {
  let raw: unknown;
  try {
    raw = eventLabel(await readLabel(imagePath));
  } catch {
    // Not a full corpus label: read the sidecar ourselves and check what events need.
    const file = sidecarPath(imagePath);
    const text = await readFile(file, 'utf8');
    const parsed = JSON.parse(text) as { category: string };
    if (typeof parsed !== 'object' || parsed === null) throw new Error(`${file}: not a JSON object`);
    raw = eventLabel(parsed);
  }
  const checked = checkLabel(raw);
  if (!checked.ok) throw new Error(`${sidecarPath(imagePath)}: ${checked.reason}`);
  return checked.value;
}

export { sidecarPath };
