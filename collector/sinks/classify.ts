// HTTP answers of InfluxDB's write endpoints, sorted into what the batching sink should do.
import { WriteError } from './sink.ts';

export function errorForStatus(status: number, body: string): WriteError {
  const text = body.slice(0, 300);
  if (status === 401 || status === 403)
    // A wrong credential is a configuration problem; holding on keeps the data until it is fixed.
    return new WriteError('unauthorized', `HTTP ${status}: ${text}`, true);
  // Too large: the sink splits the batch until it fits (a single line too large is refused).
  if (status === 413) return new WriteError('too_large', `HTTP ${status}: ${text}`, false);
  // Refused lines; InfluxDB 1.x may have written the others (a partial write): the sink splits
  // the batch down to the refused lines, writing the rest again (same points, no duplicates).
  if (status === 400 || status === 422)
    return new WriteError('rejected', `HTTP ${status}: ${text}`, false);
  return new WriteError('server_error', `HTTP ${status}: ${text}`, true);
}
