// A labelled dataset on disk, in one of two layouts: Starwatch's (every file in a folder, walked
// and sorted, with a .json label sidecar beside it) or Starlight's (clean/ and stego/ folders,
// labels from the folder and the file name: starlight-layout.ts). A folder of Starlight datasets
// (`datasets/`) is read as all of them. Nothing is judged here; a file without a usable label is
// still listed, with a typed label error, so the run can count it instead of crashing or
// silently skipping it.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { listFiles } from '../v4/image-files.ts';
import { readLabel, sidecarPath } from '../schemas/corpus-label.ts';
import { Label as EventLabelSchema, type Label } from '../schemas/inference-event.ts';
import { parseMethodAliases, withMethodResolved, type MethodAliases } from '../schemas/method-aliases.ts';
import { validator } from '../schemas/validate.ts';
import { ValidateError } from './errors.ts';
import { isStarlightDataset, loadStarlightDataset, starlightDatasetsIn } from './starlight-layout.ts';

export type DatasetLabelCode = 'UNLABELLED' | 'BAD_LABEL';

export interface DatasetItem {
  file: string;
  /** The dataset's name (its folder's), for figures broken down per dataset. */
  dataset: string;
  /** A stego file's algorithm as the dataset names it, when no method of ours matches it. */
  algorithm: string | null;
  /** The label as events carry it (category, method, bit order); null when missing or bad. */
  label: Label | null;
  labelError: { code: DatasetLabelCode; message: string } | null;
}

const checkEventLabel = validator(EventLabelSchema);

/** What --dataset and --method-alias say: one or more folders, and extra method aliases ("eoi=raw"). */
export async function loadDatasetFlags(dataset: string | readonly string[], methodAlias?: string): Promise<{ name: string; items: DatasetItem[] }> {
  const dirs = typeof dataset === 'string' ? [dataset] : [...dataset];
  let aliases: MethodAliases | undefined;
  try {
    aliases = methodAlias ? parseMethodAliases(methodAlias) : undefined;
  } catch (e) {
    throw new ValidateError('BAD_OPTION', (e as Error).message);
  }
  return { name: dirs.join(', '), items: await loadDatasets(dirs, aliases) };
}

/** Lists the datasets, in order; throws DATASET_NOT_FOUND / DATASET_EMPTY for a folder that cannot be used. */
export async function loadDatasets(dirs: readonly string[], aliases?: MethodAliases): Promise<DatasetItem[]> {
  const all: DatasetItem[] = [];
  for (const dir of dirs) all.push(...(await loadDataset(dir, aliases)));
  return all;
}

export async function loadDataset(dir: string, aliases?: MethodAliases): Promise<DatasetItem[]> {
  const s = await stat(dir).catch(() => null);
  if (!s?.isDirectory()) throw new ValidateError('DATASET_NOT_FOUND', `dataset ${dir} is not a folder`);
  const items = await readLayout(dir, aliases);
  if (items.length === 0) throw new ValidateError('DATASET_EMPTY', `dataset ${dir} has no files besides labels`);
  return items;
}

async function readLayout(dir: string, aliases?: MethodAliases): Promise<DatasetItem[]> {
  if (await isStarlightDataset(dir)) return loadStarlightDataset(dir, aliases);
  const several = await starlightDatasetsIn(dir);
  if (several.length > 0) return (await Promise.all(several.map((d) => loadStarlightDataset(d, aliases)))).flat();
  const files = await listFiles(dir, (name) => !name.endsWith('.json'));
  return Promise.all(files.map((file) => itemOf(file, basename(dir), aliases)));
}

async function itemOf(file: string, dataset: string, aliases?: MethodAliases): Promise<DatasetItem> {
  const sidecar = sidecarPath(file);
  const exists = await stat(sidecar).then((s) => s.isFile(), () => false);
  const item = { file, dataset, algorithm: null };
  if (!exists) return { ...item, label: null, labelError: { code: 'UNLABELLED', message: `no label ${sidecar}` } };
  try {
    return { ...item, label: await readAnyLabel(sidecar, aliases), labelError: null };
  } catch (e) {
    return { ...item, label: null, labelError: { code: 'BAD_LABEL', message: (e as Error).message } };
  }
}

/** A full corpus label, or a minimal one ({"category":"clean"} / {"category":"stego","method":...}). */
async function readAnyLabel(sidecar: string, aliases?: MethodAliases): Promise<Label> {
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
    const checked = checkEventLabel(toEventLabel(withMethodResolved(raw, aliases) as Record<string, unknown>));
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
