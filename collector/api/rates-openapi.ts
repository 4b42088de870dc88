// The OpenAPI description of GET /metrics/rates and GET /metrics/windows (collector/api/rates.ts).
import { HISTORY_GRANULARITIES, RATE_WINDOWS } from './rates.ts';

const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/ApiError' }) });
const Rate: Record<string, unknown> = {
  type: 'object',
  properties: {
    hits: { type: 'integer' },
    n: { type: 'integer' },
    rate: { type: 'number', nullable: true, description: 'null with no samples' },
    lower: { type: 'number', description: '95% Wilson interval, lower bound' },
    upper: { type: 'number' },
    target: { type: 'number' },
    min_samples_for_target: { type: 'integer', description: 'samples with no hit needed to show the target is met' },
    evidence: { type: 'string', enum: ['breach', 'met', 'not_enough'] },
  },
};
const model = { name: 'model_version', in: 'query' as const, schema: { type: 'string', default: '*' } };
const failures = { '400': error('bad query parameter'), '401': error('missing or wrong token'), '502': error('InfluxDB refused the query'), '503': error('InfluxDB unreachable') };

export const RATE_PATHS = {
  '/metrics/rates': {
    get: {
      operationId: 'rates',
      summary: 'FPR and detection over the last window, with n and the 95% Wilson interval',
      parameters: [{ name: 'window', in: 'query' as const, schema: { type: 'string', enum: [...RATE_WINDOWS], default: '1m' } }, model],
      responses: {
        '200': {
          description: 'rates',
          content: json({
            type: 'object',
            properties: { window: { type: 'string' }, model_version: { type: 'string' }, windows: { type: 'integer' }, fpr: Rate, detection: Rate, detection_by_method: { type: 'object', additionalProperties: Rate } },
          }),
        },
        ...failures,
      },
    },
  },
  '/metrics/windows': {
    get: {
      operationId: 'recentWindows',
      summary: 'The recent windows of a scope (all agents), oldest first',
      parameters: [
        { name: 'granularity', in: 'query' as const, schema: { type: 'string', enum: [...HISTORY_GRANULARITIES], default: '10s' } },
        { name: 'minutes', in: 'query' as const, schema: { type: 'integer', minimum: 1, maximum: 60, default: 15 } },
        model,
      ],
      responses: {
        '200': { description: 'windows', content: json({ type: 'object', properties: { windows: { type: 'array', items: { type: 'object' } } } }) },
        ...failures,
      },
    },
  },
};
