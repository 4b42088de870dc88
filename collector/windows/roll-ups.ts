// A closed window of every key, then its roll-ups per model version, per agent and overall: what
// the engine emits at close and what replica mode emits for a merged window, from one place.
import { ALL, type Granularity } from '../../schemas/measurements.ts';
import { WindowAccumulator } from './accumulator.ts';
import { GRANULARITY_MS, type WindowResult } from './window-result.ts';

/** Separates model version and agent in a leaf key (`version + KEY_SEP + agent`). */
export const KEY_SEP = '\u0000';

export function rollUps(g: Granularity, start: number, leaves: Map<string, WindowAccumulator>, replica: string): WindowResult[] {
  const byModel = new Map<string, WindowAccumulator>();
  const byAgent = new Map<string, WindowAccumulator>();
  const overall = new WindowAccumulator();
  const results: WindowResult[] = [];
  const result = (agent: string, modelVersion: string, acc: WindowAccumulator): WindowResult => {
    const size = GRANULARITY_MS[g];
    return { granularity: g, start, end: start + size, agent, model_version: modelVersion, replica, fields: acc.fields(size / 1000), acc };
  };
  for (const [key, acc] of leaves) {
    const [modelVersion, agent] = key.split(KEY_SEP);
    into(byModel, modelVersion).merge(acc);
    into(byAgent, agent).merge(acc);
    overall.merge(acc);
    results.push(result(agent, modelVersion, acc));
  }
  for (const [modelVersion, acc] of byModel) results.push(result(ALL, modelVersion, acc));
  for (const [agent, acc] of byAgent) results.push(result(agent, ALL, acc));
  results.push(result(ALL, ALL, overall));
  return results;
}

function into(map: Map<string, WindowAccumulator>, key: string): WindowAccumulator {
  let acc = map.get(key);
  if (!acc) map.set(key, (acc = new WindowAccumulator()));
  return acc;
}
