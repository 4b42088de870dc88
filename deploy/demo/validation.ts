// The demo validates the reference model once on a slice of its corpus and publishes the run, as
// `starwatch validate --publish` would, so the Models board has a validation run to show.
import { DEFAULT_MODEL_PATH } from '../../agent/v4/path.ts';
import { loadDataset } from '../../validate/dataset.ts';
import { publishValidation, type PublishOutcome } from '../../validate/publish.ts';
import { validateModel } from '../../validate/validation.ts';

export async function publishValidationRun(corpusDir: string, natsUrl: string, images = 30): Promise<PublishOutcome> {
  const items = (await loadDataset(corpusDir)).slice(0, images);
  const { report, results } = await validateModel({ modelPath: DEFAULT_MODEL_PATH, dataset: corpusDir, items });
  return publishValidation(report, results, { servers: [natsUrl] });
}
