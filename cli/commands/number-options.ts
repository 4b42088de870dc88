// Parsers of whole-number command-line options that more than one command takes (commander calls
// them with the option's text); a bad value is a clear error naming what was expected.

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected an integer >= 0, got "${value}"`);
  return n;
}

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`expected a port 0-65535, got "${value}"`);
  return n;
}
