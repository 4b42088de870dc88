// How Fastify checks requests against the routes' TypeBox schemas. Queries are strings, so their
// Ajv coerces (limit=5 is the integer 5) and fills defaults; bodies go through the contracts' own
// validator (schemas/validate.ts: no coercion, no Infinity), so POST /metrics/log accepts exactly
// what the agent's events must be. Either way a refusal is the API's typed 400.
import { Ajv, type ErrorObject } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { validator } from '../../schemas/validate.ts';
import { ApiError } from './http.ts';
import type { InvalidBody } from './route.ts';

const queryAjv = new Ajv({ coerceTypes: true, useDefaults: true, strict: false, allErrors: false });

/** `invalidBodyOf(url)`: what a bad body on that route is called. */
export function validatorCompiler(invalidBodyOf: (url: string) => InvalidBody): FastifySchemaCompiler<TSchema> {
  return ({ schema, httpPart, url }) => {
    if (httpPart === 'querystring') {
      const check = queryAjv.compile(schema);
      return (data) => (check(data) ? { value: data } : { error: badQuery(check.errors?.[0], data as Record<string, unknown>) });
    }
    const check = validator(schema);
    const invalid = invalidBodyOf(url);
    return (data) => {
      const result = check(data);
      return result.ok ? { value: result.value } : { error: new ApiError(400, invalid.code, invalid.message, [result.reason]) };
    };
  };
}

/** The first problem, named by its parameter: `window must be one of 1h, 6h`, reasons [`window=2h`]. */
function badQuery(e: ErrorObject | undefined, query: Record<string, unknown>): ApiError {
  const name = e?.instancePath.split('/')[1] ?? '';
  const message = e?.keyword === 'enum' ? `must be one of ${(e.params.allowedValues as string[]).join(', ')}` : (e?.message ?? 'is not valid');
  return new ApiError(400, 'bad_query', `${name} ${message}`, name in query ? [`${name}=${String(query[name])}`] : []);
}

/** Like URLSearchParams.get: the first value of a name counts, and an empty one is no value (its default). */
export function parseQuery(text: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) if (value !== '' && !(name in query)) query[name] = value;
  return query;
}
