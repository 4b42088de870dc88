// What the V4 path needs of a model: V4Model in this thread, or RemoteModel, the same model
// in a worker thread (onnxruntime-node runs a session synchronously on the calling thread).
import type { StreamName, V4Streams } from './contract.ts';
import type { ModelIdentity, RunOptions } from './model.ts';
import type { ModelOutputs, OutputName } from './outputs.ts';

export interface ModelRunner {
  readonly identity: ModelIdentity;
  readonly inputs: readonly StreamName[];
  readonly outputs: readonly OutputName[];
  run(batch: readonly V4Streams[], options?: RunOptions): Promise<ModelOutputs>;
  warmUp(): Promise<void>;
  release(): Promise<void>;
}
