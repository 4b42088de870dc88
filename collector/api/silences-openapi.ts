// The OpenAPI description of the silence routes (collector/api/silences.ts), spliced into openapi.ts.
const Silence: Record<string, unknown> = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    matchers: { type: 'object', additionalProperties: { type: 'string' }, description: 'rule, key, severity, family, scope; a trailing * matches by prefix' },
    created_at: { type: 'string', format: 'date-time' },
    ends_at: { type: 'string', format: 'date-time' },
    comment: { type: 'string' },
  },
};
const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/ApiError' }) });

export const SILENCE_PATHS = {
  '/alerts/silences': {
    get: {
      operationId: 'listSilences',
      summary: 'Active silences, soonest to end first',
      responses: { '200': { description: 'silences', content: json({ type: 'object', properties: { silences: { type: 'array', items: Silence } } }) }, '401': error('missing or wrong token'), '503': error('no analysis stage') },
    },
  },
  '/alerts/silences/add': {
    post: {
      operationId: 'addSilence',
      summary: 'Hold back notifications of matching alerts for a while',
      requestBody: {
        required: true,
        content: json({ type: 'object', required: ['matchers', 'for'], properties: { matchers: { type: 'object', additionalProperties: { type: 'string' } }, for: { type: 'string', example: '2h' }, comment: { type: 'string' } } }),
      },
      responses: {
        '200': { description: 'the silence', content: json({ type: 'object', properties: { silence: Silence } }) },
        '400': error('bad matchers or duration'),
        '401': error('missing or wrong token'),
        '409': error('too many active silences (alerts.maxSilences)'),
        '503': error('no analysis stage'),
      },
    },
  },
  '/alerts/silences/expire': {
    post: {
      operationId: 'expireSilence',
      summary: 'End a silence now',
      requestBody: { required: true, content: json({ type: 'object', required: ['id'], properties: { id: { type: 'string' } } }) },
      responses: { '200': { description: 'the expired silence', content: json({ type: 'object', properties: { silence: Silence } }) }, '401': error('missing or wrong token'), '404': error('no such silence'), '503': error('no analysis stage') },
    },
  },
};
