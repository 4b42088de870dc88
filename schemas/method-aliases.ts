// Other names for the stego methods. Starlight calls the bytes appended after the end of the image
// "eoi" and RGB LSB embedding "lsb"; its labels, dataset file names and scanner answers use them.
// One table, read by labels, datasets and the proxy, so a name means the same everywhere.
import { METHODS, type StegoMethod } from '../v4/contract.ts';

export type MethodAliases = Readonly<Record<string, StegoMethod>>;

export const DEFAULT_METHOD_ALIASES: MethodAliases = { eoi: 'raw', lsb: 'lsb.rgb' };

/** The method a name stands for (case-insensitive, aliases applied), or null for an unknown name. */
export function resolveMethod(name: string, aliases: MethodAliases = DEFAULT_METHOD_ALIASES): StegoMethod | null {
  const key = name.trim().toLowerCase();
  if ((METHODS as readonly string[]).includes(key)) return key as StegoMethod;
  return Object.hasOwn(aliases, key) ? aliases[key] : null;
}

/** "eoi=raw,lsb=lsb.rgb" -> aliases added to the defaults; throws on a target that is no method. */
export function parseMethodAliases(spec: string, base: MethodAliases = DEFAULT_METHOD_ALIASES): MethodAliases {
  const out: Record<string, StegoMethod> = { ...base };
  for (const pair of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [alias, target] = pair.split('=').map((s) => s?.trim().toLowerCase());
    if (!alias || !target || !(METHODS as readonly string[]).includes(target)) {
      throw new Error(`bad method alias "${pair}": write name=method, method one of ${METHODS.join(', ')}`);
    }
    out[alias] = target as StegoMethod;
  }
  return out;
}

/** A label-like object whose method, written as an alias (eoi, lsb), becomes ours; other values are left for the schema to judge. */
export function withMethodResolved(raw: unknown, aliases: MethodAliases = DEFAULT_METHOD_ALIASES): unknown {
  if (raw === null || typeof raw !== 'object' || typeof (raw as { method?: unknown }).method !== 'string') return raw;
  const method = (raw as { method: string }).method;
  return { ...raw, method: resolveMethod(method, aliases) ?? method };
}
