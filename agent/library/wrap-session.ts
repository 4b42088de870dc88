// Instruments an existing onnxruntime-node InferenceSession: the wrapped session behaves the
// same, and every run() emits one InferenceEvent per image of the batch, timed around run().
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Outputs } from '../../schemas/inference-event.ts';
import { ms as roundMs, outputsFrom, observeError } from '../events/build.ts';
import type { InputInfo, ModelRef } from '../events/observation.ts';
import { isOutputName, type ModelOutputs } from '../../v4/outputs.ts';
import { verdictAt } from '../../v4/verdict.ts';
import type { StarwatchAgent } from './agent.ts';

export interface WrapOptions {
  /** The model the session runs, as events name it. */
  model: ModelRef;
  /** The verdicts of a run, one per image; default: read the V4 outputs (stego_logits, ...). */
  interpret?: (results: InferenceSession.OnnxValueMapType) => Outputs[];
  /** What events say about the input; default: a "tensor" of the pixel feed's width x height. */
  describeInput?: (feeds: InferenceSession.FeedsType) => InputInfo;
}

/** V4 outputs -> one Outputs per image. */
export function interpretV4(results: InferenceSession.OnnxValueMapType): Outputs[] {
  const values: ModelOutputs['values'] = {};
  let batch = 0;
  for (const [name, value] of Object.entries(results)) {
    const tensor = value as Tensor;
    if (!isOutputName(name) || !(tensor.data instanceof Float32Array)) continue;
    values[name] = tensor.data;
    if (name === 'stego_logits') batch = Number(tensor.dims[0] ?? 1);
  }
  if (!values.stego_logits) throw new Error('the session returned no stego_logits: pass interpret()');
  const out: ModelOutputs = { batch, values };
  return Array.from({ length: batch }, (_, i) => outputsFrom(verdictAt(out, i)));
}

function describeTensorInput(feeds: InferenceSession.FeedsType): InputInfo {
  const pixels = (feeds as Record<string, Tensor>).pixel_tensor ?? Object.values(feeds as Record<string, Tensor>)[0];
  const dims = pixels?.dims ?? [];
  const size = (i: number): number => (dims.length === 4 ? Number(dims[i]) : 0);
  return { format: 'tensor', bytes: 0, width: size(3), height: size(2) };
}

export function wrapSession<S extends InferenceSession>(agent: StarwatchAgent, session: S, options: WrapOptions): S {
  const interpret = options.interpret ?? interpretV4;
  const describe = options.describeInput ?? describeTensorInput;
  const run = async (...args: Parameters<InferenceSession['run']>): Promise<InferenceSession.ReturnType> => {
    const input = describe(args[0]);
    const start = performance.now();
    let results: InferenceSession.ReturnType;
    try {
      results = await (session.run as (...a: unknown[]) => Promise<InferenceSession.ReturnType>)(...args);
    } catch (e) {
      agent.emit({ ...observeError('library', 'MODEL_ERROR', input, performance.now() - start), model: options.model });
      throw e;
    }
    const ms = performance.now() - start;
    const timings = { decode_ms: 0, preprocess_ms: 0, infer_ms: roundMs(ms), total_ms: roundMs(ms) };
    let verdicts: Outputs[];
    try {
      verdicts = interpret(results);
    } catch {
      agent.emit({ ...observeError('library', 'UNINTERPRETED_OUTPUT', input, ms), model: options.model });
      return results;
    }
    for (const outputs of verdicts) {
      agent.emit({ source: 'library', input, timings, outputs, errorCode: null, model: options.model });
    }
    return results;
  };
  return new Proxy(session, {
    get(target, prop) {
      if (prop === 'run') return run;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
