// GET /models/versions: every model known (collector/registry/versions.ts): identity, where and in
// which role it runs, first and last seen, 7-day traffic and its share, attached validation and
// training runs, rollout state. Versions seen only in traffic are listed as before.
import { REGISTRY_QUERY, registryFrom } from '../registry/versions.ts';
import type { Reply, RouteContext } from './route.ts';

export async function modelVersions(ctx: RouteContext): Promise<Reply> {
  const body = await ctx.counters.queries.get(REGISTRY_QUERY, async () => ({ versions: registryFrom(await ctx.deps.influx.query(REGISTRY_QUERY)) }));
  return { status: 200, body };
}
