// A labelled dataset on disk: every file in a folder (walked, sorted) except the .json label
// sidecars. Nothing is judged here; a file without a usable label is still listed, with a typed
// label error, so the run can count it instead of crashing or silently skipping it.
import { readFile, stat } from 'node:fs/promises';
import { listFiles } from '../corpus/files.ts';
import { readLabel, sidecarPath } from '../corpus/labels.ts';
import { Label as EventLabelSchema, type Label } from '../schemas/inference-event.ts';
import { validator } from '../schemas/validate.ts';
import { ValidateError } from './errors.ts';

export type DatasetLabelCode = 'UNLABELLED' | 'BAD_LABEL';

export interface DatasetItem {
  file: string;
  /** The label as events carry it (category, method, bit order); null when missing or bad. */
  label: Label | null;
  labelError: { code: DatasetLabelCode; message: string } | null;
}

const checkEventLabel = validator(EventLabelSchema);

/** Lists the dataset; throws DATASET_NOT_FOUND / DATASET_EMPTY for a folder that cannot be used. */
export async function loadDataset(dir: string): Promise<DatasetItem[]> {
  const s = await stat(dir).catch(() => null);
  if (!s?.isDirectory()) throw new ValidateError('DATASET_NOT_FOUND', `dataset ${dir} is not a folder`);
  const files = await listFiles(dir, (name) => !name.endsWith('.json'));
  if (files.length === 0) throw new ValidateError('DATASET_EMPTY', `dataset ${dir} has no files besides labels`);
  return Promise.all(files.map(itemOf));
}

async function itemOf(file: string): Promise<DatasetItem> {
  const sidecar = sidecarPath(file);
  const exists = await stat(sidecar).then((s) => s.isFile(), () => false);
  if (!exists) return { file, label: null, labelError: { code: 'UNLABELLED', message: `no label ${sidecar}` } };
  try {
    return { file, label: await readAnyLabel(sidecar), labelError: null };
  } catch (e) {
    return { file, label: null, labelError: { code: 'BAD_LABEL', message: (e as Error).message } };
  }
}

/** A full corpus label, or a minimal one ({"category":"clean"} / {"category":"stego","method":...}). */
async function readAnyLabel(sidecar: string): Promise<Label> {
  try {
    return toEventLabel(await readLabel(sidecar));
  } catch {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(sidecar, 'utf8'));
    } catch (e) {
      throw new Error(`label ${sidecar} is not JSON: ${(e as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`label ${sidecar} is not an object`);
    const checked = checkEventLabel(toEventLabel(raw as Record<string, unknown>));
    if (!checked.ok) throw new Error(`label ${sidecar}: ${checked.reason}`);
    if (checked.value.category === 'stego' && !checked.value.method) throw new Error(`label ${sidecar}: a stego label needs a method`);
    return checked.value;
  }
}

/** Only the fields an InferenceEvent carries. */
function toEventLabel(raw: { category?: unknown; method?: unknown; bit_order?: unknown }): Label {
  const label: Record<string, unknown> = { category: raw.category };
  if (raw.method !== undefined) label.method = raw.method;
  if (raw.bit_order !== undefined) label.bit_order = raw.bit_order;
  return label as Label;
}
