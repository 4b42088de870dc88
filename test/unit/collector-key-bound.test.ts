// KeyBound skips admitting a pair it admitted at the same moment (a message's events share agent,
// model and time); that shortcut must not change what is admitted or what is counted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyBound, OTHER } from '../../collector/windows/key-bound.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const event = (agent: string, version = 'v1') => makeEvent({ id: `${agent}-${version}`, tsMs: 0, agent, modelVersion: version });

test('an agent over the limit is folded into _other for every one of its events, each counted', () => {
  const keys = new KeyBound({ maxModelVersions: 10, maxAgents: 1, keyIdleMs: 60_000 });
  const a = event('agent-a');
  assert.equal(keys.bound(a, 1000), a);
  assert.equal(keys.bound(a, 1000), a, 'the same pair at the same time: the event itself');
  for (let i = 0; i < 3; i++) assert.equal(keys.bound(event('agent-b'), 1000).agent_id, OTHER);
  assert.equal(keys.agents.overflowed, 3);
  assert.equal(keys.bound(a, 1000), a, 'the admitted pair after another agent');
});

test('a pair seen again at a later time is admitted again, so it keeps its place against idle eviction', () => {
  const keys = new KeyBound({ maxModelVersions: 10, maxAgents: 2, keyIdleMs: 5000 });
  const a = event('agent-a');
  keys.bound(a, 0);
  keys.bound(event('agent-b'), 1);
  keys.bound(a, 1);
  // The same pair as the last call, at a new time: admitted again, its last-seen time now 4000.
  keys.bound(a, 4000);
  // At 6000 agent-b (idle 5999 ms) gives its place up; agent-a keeps its own, so agent-d finds none.
  assert.equal(keys.bound(event('agent-c'), 6000).agent_id, 'agent-c');
  assert.equal(keys.bound(event('agent-d'), 6000).agent_id, OTHER);
  assert.equal(keys.agents.overflowed, 1);
});
