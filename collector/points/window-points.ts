// A closed window as points: one `window` point (fields + exact state) and one
// `window_prob_hist` point per probability bucket. Timestamp = window start, so a window
// computed again (after a redelivery) overwrites the earlier value.
import { MEASUREMENTS, probBucketTag } from '../../schemas/measurements.ts';
import { isCountField } from '../windows/accumulator.ts';
import { encodeState } from '../windows/state.ts';
import type { WindowResult } from '../windows/window-result.ts';
import { msToNs, type FieldValue, type Point } from '../sinks/point.ts';
import { withoutEmptyBases } from './rate-bases.ts';

export function windowPoints(result: WindowResult): Point[] {
  const tags = {
    granularity: result.granularity,
    agent: result.agent,
    model_version: result.model_version,
    replica: result.replica,
  };
  const timestampNs = msToNs(result.start);
  const fields: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(withoutEmptyBases(result.fields)))
    fields[name] = isCountField(name) ? BigInt(value) : value;
  fields.state = encodeState(result.acc);
  const points: Point[] = [{ measurement: MEASUREMENTS.window, tags, fields, timestampNs }];
  result.acc.probHist.forEach((count, i) =>
    points.push({
      measurement: MEASUREMENTS.windowProbHist,
      tags: { ...tags, bucket: probBucketTag(i) },
      fields: { count: BigInt(count) },
      timestampNs,
    }),
  );
  return points;
}
