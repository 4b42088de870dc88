// Issue 13, shadow cost: a shadow scan starts only when no served scan is in flight (it takes
// the gaps between them) or once it has waited maxGapWaitMs for one (a rollout under steady load
// still gets its comparison), a full queue still drops and counts while it waits, and a shadow
// candidate's scan worker runs at the lowest OS priority, so a shadow already running when a
// served scan arrives yields the core to it.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { ModelRollout } from '../../agent/rollout/model-rollout.ts';
import { RolloutPlan } from '../../agent/rollout/rollout-plan.ts';
import { ServedInFlight } from '../../agent/rollout/served-in-flight.ts';
import type { StarwatchAgent } from '../../agent/library/agent.ts';
import { ShadowQueue } from '../../agent/rollout/shadow-queue.ts';
import { DEFAULT_MODEL_PATH, V4Path } from '../../v4/path.ts';
import { BACKGROUND_NICE, currentThreadId } from '../../v4/pool/thread-priority.ts';

const tick = () => new Promise((r) => setImmediate(r));

test('a shadow waits while a served scan is in flight and runs once none is', async () => {
  const served = new ServedInFlight();
  const queue = new ShadowQueue(4, served);
  const ran: string[] = [];
  served.enter();
  served.enter();
  assert.equal(queue.offer(async () => ran.push('shadow')), true);
  for (let i = 0; i < 5; i++) await tick();
  assert.deepEqual(ran, [], 'started beside two served scans');
  served.leave();
  for (let i = 0; i < 5; i++) await tick();
  assert.deepEqual(ran, [], 'started beside one served scan');
  served.leave();
  await queue.idle();
  assert.deepEqual(ran, ['shadow']);
  assert.equal(queue.counts.scored, 1);
});

test('under steady load a shadow waits for a gap at most maxGapWaitMs, then runs anyway', async () => {
  const served = new ServedInFlight();
  const queue = new ShadowQueue(4, served, 30);
  const ran: string[] = [];
  served.enter(); // never leaves: no gap ever comes
  const offeredAt = performance.now();
  queue.offer(async () => ran.push('first'));
  queue.offer(async () => ran.push('second'));
  await queue.idle();
  assert.deepEqual(ran, ['first', 'second']);
  assert.ok(performance.now() - offeredAt >= 2 * 30 - 5, 'each waited for its gap first');
  served.leave();
});

test('a served scan arriving between two shadows holds the second one back', async () => {
  const served = new ServedInFlight();
  const queue = new ShadowQueue(4, served);
  const ran: string[] = [];
  queue.offer(async () => {
    ran.push('first');
    served.enter(); // a request arrives while the first shadow runs
  });
  queue.offer(async () => ran.push('second'));
  for (let i = 0; i < 10; i++) await tick();
  assert.deepEqual(ran, ['first']);
  served.leave();
  await queue.idle();
  assert.deepEqual(ran, ['first', 'second']);
});

test('while shadows wait for a gap the queue bound still drops and counts', async () => {
  const served = new ServedInFlight();
  const queue = new ShadowQueue(2, served);
  served.enter();
  const offered = [1, 2, 3, 4].map(() => queue.offer(async () => {}));
  assert.deepEqual(offered, [true, true, false, false]);
  assert.equal(queue.counts.dropped, 2);
  served.leave();
  await queue.idle();
  assert.equal(queue.counts.scored, 2);
});

test('the rollout holds shadows while its served scans run, and counts served scans that start beside a shadow', async () => {
  let finishShadow = () => {};
  const shadowsRun: string[] = [];
  // Only scanOutcome is used, by the shadow job: it runs until the test lets it finish.
  const agent = {
    scanOutcome: (_bytes: Uint8Array, o: { requestId?: string }) => {
      shadowsRun.push(o.requestId ?? '');
      return new Promise<void>((resolve) => (finishShadow = resolve));
    },
  } as unknown as StarwatchAgent;
  const rollout = new ModelRollout(agent, {} as never, new RolloutPlan('shadow', 1, () => 0));
  const bytes = new Uint8Array(1);
  const first = rollout.scan(bytes, 'scan', undefined, 'a');
  const second = rollout.scan(bytes, 'scan', undefined, 'b');
  first.afterAnswer();
  first.afterAnswer(); // a second call changes nothing
  for (let i = 0; i < 5; i++) await tick();
  assert.deepEqual(shadowsRun, [], 'no shadow while request b is served');
  second.afterAnswer();
  for (let i = 0; i < 5; i++) await tick();
  assert.deepEqual(shadowsRun, ['a']);
  assert.equal(rollout.shadows.counts.servedBeside, 0);
  const third = rollout.scan(bytes, 'scan', undefined, 'c'); // arrives while shadow a runs
  assert.equal(rollout.shadows.counts.servedBeside, 1);
  finishShadow();
  for (let i = 0; i < 5; i++) await tick();
  assert.deepEqual(shadowsRun, ['a'], 'shadow b waits for request c');
  third.afterAnswer();
  for (let i = 0; i < 5; i++) await tick();
  finishShadow();
  for (let i = 0; i < 5; i++) await tick();
  finishShadow();
  await rollout.shadows.idle();
  assert.deepEqual(shadowsRun, ['a', 'b', 'c']);
  assert.equal(rollout.shadows.counts.scored, 3);
});

/** Nice values of this process's threads, from /proc (field 19 of stat). */
async function threadNices(): Promise<Map<number, number>> {
  const nices = new Map<number, number>();
  for (const tid of await readdir('/proc/self/task')) {
    const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    nices.set(Number(tid), Number(fields[16]));
  }
  return nices;
}

test('a scan worker started with workerNice runs at that priority, the rest of the process does not', { skip: currentThreadId() === null && 'no /proc/thread-self' }, async () => {
  const before = await threadNices();
  assert.equal(before.get(currentThreadId()!), 0, 'the test itself runs at nice 0');
  const path = await V4Path.load({ modelPath: DEFAULT_MODEL_PATH, scanWorkers: 1, threads: 1, workerNice: BACKGROUND_NICE });
  try {
    const after = await threadNices();
    const niced = [...after].filter(([tid, nice]) => nice === BACKGROUND_NICE && !before.has(tid));
    assert.ok(niced.length >= 1, `a new thread at nice ${BACKGROUND_NICE}: ${JSON.stringify([...after])}`);
    assert.equal(after.get(currentThreadId()!), 0, 'the main thread keeps its priority');
    const image = await readFile('test/fixtures/parity/images/' + (await readdir('test/fixtures/parity/images')).sort()[0]);
    const inPlace = await V4Path.load({ modelPath: DEFAULT_MODEL_PATH });
    try {
      assert.deepEqual((await path.scan(image)).verdict, (await inPlace.scan(image)).verdict, 'the niced worker scans as the path in place does');
    } finally {
      await inPlace.close();
    }
  } finally {
    await path.close();
  }
});

test('close drops the shadows still waiting (counted) and awaits only the one running', async () => {
  const queue = new ShadowQueue(8);
  const ran: string[] = [];
  let finish = () => {};
  queue.offer(() => new Promise<void>((resolve) => (finish = () => { ran.push('running'); resolve(); })));
  queue.offer(async () => ran.push('waiting 1'));
  queue.offer(async () => ran.push('waiting 2'));
  await tick();
  const closed = queue.close();
  finish();
  await closed;
  assert.deepEqual(ran, ['running']);
  assert.deepEqual({ scored: queue.counts.scored, dropped: queue.counts.dropped }, { scored: 1, dropped: 2 });
});
