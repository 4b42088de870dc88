// HTTP answers of InfluxDB's write endpoints, sorted into what the batching sink should do.
import { WriteError } from './sink.ts';

export function errorForStatus(status: number, body: string): WriteError {
  const text = body.slice(0, 300);
  if (status === 401 || status === 403)
    // A wrong credential is a configuration problem; holding on keeps the data until it is fixed.
    return new WriteError('unauthorized', `HTTP ${status}: ${text}`, true);
  if (status === 400 || status === 413 || status === 422)
    return new WriteError('rejected', `HTTP ${status}: ${text}`, false);
  return new WriteError('server_error', `HTTP ${status}: ${text}`, true);
}
