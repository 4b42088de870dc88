// The demo validates the reference model once on its own corpus, the very images its traffic
// sends: that run is the baseline the collector judges the live model against (so a shortfall
// the model always had is one standing notice, and only what the incident changes pages), and it
// is published, as `starwatch validate --publish` would, so the Models board has a run to show.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_PATH } from '../../v4/path.ts';
import { baselineOf } from '../../validate/baseline.ts';
import { loadDataset } from '../../validate/dataset.ts';
import { publishValidation, type PublishOutcome } from '../../validate/publish.ts';
import { validateModel, type Validation } from '../../validate/validation.ts';

export function validateCorpus(corpusDir: string): Promise<Validation> {
  return loadDataset(corpusDir).then((items) => validateModel({ modelPath: DEFAULT_MODEL_PATH, dataset: corpusDir, items }));
}

/**
 * The run as the collector's baseline file, without its latency: one thread straight through the
 * model is not a served request on a busy machine (latency is judged by its anomaly instead).
 */
export function writeDemoBaseline(validation: Validation, runDir: string): string {
  const { metrics, model, dataset, created } = validation.report;
  const file = join(runDir, 'baseline.json');
  writeFileSync(file, JSON.stringify({ ...baselineOf(metrics, model, dataset, created), latency_p95_ms: null }, null, 2) + '\n');
  return file;
}

/** Publishes the first `images` results and the summary. */
export function publishValidationRun(validation: Validation, natsUrl: string, images = 30): Promise<PublishOutcome> {
  return publishValidation(validation.report, validation.results.slice(0, images), { servers: [natsUrl] });
}
