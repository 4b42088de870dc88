// assert.ok(list.every(check)) passes on an empty list: "all of nothing" proves nothing. These
// fail on an empty list and name the first item that breaks the check.
import assert from 'node:assert/strict';

export function assertAll<T>(list: readonly T[], check: (item: T) => boolean, what: string): void {
  assert.ok(list.length > 0, `${what}: nothing to check (empty list)`);
  const bad = list.findIndex((item) => !check(item));
  assert.ok(bad === -1, `${what}: item ${bad} fails: ${JSON.stringify(list[bad])?.slice(0, 500)}`);
}
