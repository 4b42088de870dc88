// Decode workers wired straight to the model worker: each decode worker gets a MessageChannel
// to the model worker and sends an image's streams over it, transferred (no copy). The main
// thread hands out the bytes and gets the model's outputs back; the 2.4 MB of streams never
// pass through it, and an image does not wait twice for a busy event loop between the threads.
import { MessageChannel } from 'node:worker_threads';
import type { DecodeLimits } from '../limits.ts';
import type { PreprocessPool } from './preprocess-pool.ts';
import type { ForwardedResult, RemoteModel } from './remote-model.ts';

export class DirectScan {
  private constructor(
    private readonly pool: PreprocessPool,
    private readonly model: RemoteModel,
  ) {}

  static connect(pool: PreprocessPool, model: RemoteModel): DirectScan {
    pool.connect((worker) => {
      const { port1, port2 } = new MessageChannel();
      worker.postMessage({ connect: port1 }, [port1]);
      model.connect(port2);
    });
    return new DirectScan(pool, model);
  }

  /** Decode in a worker, infer in the model worker; rejects with the decoder's or the model's error. */
  async scan(bytes: Uint8Array, limits: DecodeLimits): Promise<ForwardedResult> {
    const { id, answer } = this.model.expect();
    // The model may fail (its worker died) while the image is still decoding: caught here so
    // that is not an unhandled rejection; the caller still gets it from `answer` below.
    answer.catch(() => undefined);
    try {
      await this.pool.forward(bytes, limits, id);
    } catch (e) {
      this.model.forget(id);
      throw e;
    }
    return answer;
  }
}
