// Checks that an InfluxQL query names only measurements, tags and fields of the contract
// (grafana/contract.ts). The boards quote every identifier, so a quoted name is a reference and an
// unquoted word must be InfluxQL itself: that keeps this a tokenizer, not a parser.
import { CONTRACT, hasField, hasTag } from './contract.ts';
import { RP_VARIABLES } from './contract.ts';
import { retentionOf } from '../schemas/measurements.ts';

const KEYWORDS = new Set(
  ('select from where and or not group by time fill null none previous linear as order desc asc limit ' +
    'true false show tag values with key now in')
    .split(' '),
);
const FUNCTIONS = new Set(
  'mean sum max min count last first spread percentile median stddev derivative non_negative_derivative difference non_negative_difference elapsed'.split(
    ' ',
  ),
);
/** Functions that accept any field type; the rest need numbers. */
const ANY_TYPE = new Set(['count', 'last', 'first']);

const stripStrings = (q: string): string => q.replace(/'(?:[^'\\]|\\.)*'/g, "''");

function aliases(q: string): Set<string> {
  return new Set([...q.matchAll(/\bAS\s+"([^"]+)"/gi)].map((m) => m[1]));
}

/** Problems with `query`, empty when it only names what the contract has. */
export function checkQuery(query: string): string[] {
  const problems: string[] = [];
  const q = stripStrings(query);
  const froms = [...q.matchAll(/\bFROM\s+(?:"([^"]+)"\.)?"([^"]+)"/gi)];
  const measurements = froms.map((m) => m[2]);
  const policies = froms.map((m) => m[1]).filter((rp): rp is string => rp !== undefined);
  if (measurements.length === 0) problems.push('no FROM "<measurement>"');
  for (const [, rp, m] of froms) {
    // Each measurement lives in its retention policy, named by a dashboard constant (the names are
    // a collector setting): without it a query of raw points finds nothing.
    const wanted = `$${RP_VARIABLES[retentionOf(m)]}`;
    // SHOW reads the series index, which has no retention policy.
    if (rp !== wanted && !/^\s*SHOW\b/i.test(q)) problems.push(`"${m}" lives in retention policy ${wanted}: write FROM "${wanted}"."${m}"`);
    if (!CONTRACT[m]) problems.push(`unknown measurement "${m}"`);
    else if (!CONTRACT[m].specified && !/^\s*SELECT\s+\*\s+FROM/i.test(q))
      problems.push(`"${m}" has no fields in the contract yet: only SELECT * is safe`);
  }
  const known = measurements.filter((m) => CONTRACT[m]);
  const isTag = (n: string) => known.some((m) => hasTag(m, n));
  const isField = (n: string) => known.some((m) => hasField(m, n));
  const named = aliases(q);

  // Tags: GROUP BY "x", "x" =~ /re/, "x" = '', SHOW ... KEY = "x".
  const tagUses = new Set<string>();
  for (const g of q.matchAll(/\bGROUP BY\s+([^)]*?(?:\)|$)[^)]*?)(?=\bfill\b|\bORDER\b|\bLIMIT\b|\)|$)/gi))
    for (const t of g[1].matchAll(/"([^"]+)"/g)) tagUses.add(t[1]);
  for (const t of q.matchAll(/"([^"]+)"\s*(?:=~|!~|=\s*''|!=\s*'')/g)) tagUses.add(t[1]);
  for (const t of q.matchAll(/\bKEY\s*=\s*"([^"]+)"/gi)) tagUses.add(t[1]);
  for (const t of tagUses) if (!isTag(t)) problems.push(`"${t}" is used as a tag but is not one of ${known.join(', ')}`);

  // Fields inside functions, with their types.
  for (const f of q.matchAll(/\b(\w+)\(\s*"([^"]+)"/g)) {
    const [, fn, field] = f;
    if (named.has(field)) continue; // an alias of a subquery column
    if (!isField(field)) {
      problems.push(`${fn}("${field}"): "${field}" is not a field of ${known.join(', ')}`);
      continue;
    }
    const types = known.map((m) => CONTRACT[m].fields[field]).filter(Boolean);
    if (!ANY_TYPE.has(fn.toLowerCase()) && types.some((t) => t === 'bool' || t === 'string'))
      problems.push(`${fn}("${field}") needs a number but "${field}" is ${types.join('/')}`);
  }
  // Regex field selectors: /^prefix/ outside a tag match must select some field family.
  for (const r of q.matchAll(/(?<![=!]~\s*)\/\^([A-Za-z0-9_]+)\//g)) {
    const prefix = r[1];
    const matches = known.some(
      (m) =>
        CONTRACT[m].fieldPrefixes.includes(prefix) || Object.keys(CONTRACT[m].fields).some((f) => f.startsWith(prefix)),
    );
    if (!matches) problems.push(`/^${prefix}/ selects no field of ${known.join(', ')}`);
  }
  // Every other quoted name must be a tag or field (or an alias, or a measurement).
  for (const n of q.matchAll(/"([^"]+)"/g)) {
    const name = n[1];
    if (measurements.includes(name) || policies.includes(name) || named.has(name) || tagUses.has(name)) continue;
    if (!isField(name) && !isTag(name) && !problems.some((p) => p.includes(`"${name}" is not a field`))) problems.push(`"${name}" is neither a field nor a tag of ${known.join(', ')}`);
  }
  // Unquoted words: InfluxQL keywords, functions, variables, numbers and durations only.
  const bare = q
    .replace(/"[^"]*"/g, ' ')
    .replace(/\/(?:[^/\\]|\\.)*\//g, ' ')
    .replace(/\$\w+/g, ' ')
    .match(/\b[A-Za-z_][A-Za-z0-9_]*/g);
  for (const w of bare ?? []) {
    if (!KEYWORDS.has(w.toLowerCase()) && !FUNCTIONS.has(w.toLowerCase()) && !/^\d/.test(w))
      problems.push(`unquoted name ${w}: quote identifiers so they can be checked`);
  }
  return [...new Set(problems)];
}
