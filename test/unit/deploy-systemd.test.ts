// The systemd units start a real command with real flags, take their settings from an
// EnvironmentFile whose variables are read by the code (or substituted into ExecStart), and
// carry the hardening options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, ENV_READ, ROOT, flagsOf, read } from './deploy-support.ts';

/** `Key=value` lines per section; a key may repeat. */
function parseUnit(text: string): Map<string, Array<[string, string]>> {
  const sections = new Map<string, Array<[string, string]>>();
  let current: Array<[string, string]> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(\w+)\]$/.exec(line);
    if (section) sections.set(section[1], (current = []));
    else {
      const eq = line.indexOf('=');
      assert.ok(eq > 0, `not key=value: ${line}`);
      current.push([line.slice(0, eq), line.slice(eq + 1)]);
    }
  }
  return sections;
}

const get = (entries: Array<[string, string]>, key: string) => entries.filter(([k]) => k === key).map(([, v]) => v);

const HARDENING: Record<string, string> = {
  NoNewPrivileges: 'yes',
  ProtectSystem: 'strict',
  ProtectHome: 'yes',
  PrivateTmp: 'yes',
  PrivateDevices: 'yes',
  DynamicUser: 'yes',
  CapabilityBoundingSet: '',
  RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
};

for (const [unit, command, envFile] of [
  ['starwatch-agent.service', 'agent', 'agent.env'],
  ['starwatch-collector.service', 'collector', 'collector.env'],
] as const) {
  const sections = parseUnit(read(`deploy/systemd/${unit}`));
  const service = sections.get('Service')!;
  const env = new Map(
    read(`deploy/systemd/${envFile}`)
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
  );

  test(`${unit}: has Unit, Service and Install sections`, () => {
    assert.deepEqual([...sections.keys()], ['Unit', 'Service', 'Install']);
    assert.deepEqual(get(sections.get('Install')!, 'WantedBy'), ['multi-user.target']);
  });

  test(`${unit}: ExecStart runs starwatch ${command} with flags it has`, () => {
    const [exec] = get(service, 'ExecStart');
    const [node, script, cmd, ...args] = exec.split(/\s+/);
    assert.equal(node, '/usr/bin/node');
    const prefix = '/opt/starwatch/';
    assert.ok(script.startsWith(prefix) && existsSync(join(ROOT, script.slice(prefix.length))), `${script} is not in the repository`);
    assert.equal(get(service, 'WorkingDirectory')[0], prefix.slice(0, -1));
    assert.equal(cmd, command);
    for (const flag of flagsOf(args)) assert.ok(COMMANDS.get(command)!.flags.has(flag), `starwatch ${command} has no ${flag}`);
  });

  test(`${unit}: the EnvironmentFile names only variables the code reads or ExecStart uses`, () => {
    assert.deepEqual(get(service, 'EnvironmentFile'), [`/etc/starwatch/${envFile}`]);
    const exec = get(service, 'ExecStart')[0];
    const substituted = new Set([...exec.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1]));
    for (const name of env.keys()) assert.ok(ENV_READ.has(name) || substituted.has(name), `${envFile}: nothing reads ${name}`);
    for (const name of substituted) assert.ok(env.has(name), `ExecStart uses $${name} but ${envFile} does not set it`);
    assert.ok(!flagsOf(exec.split(/\s+/)).some((f) => /token|pass/.test(f)), 'secrets stay out of the command line');
  });

  test(`${unit}: is hardened and restarts on failure`, () => {
    for (const [key, value] of Object.entries(HARDENING)) assert.deepEqual(get(service, key), [value], key);
    assert.deepEqual(get(service, 'MemoryDenyWriteExecute'), [], 'V8 needs W+X memory');
    assert.deepEqual(get(service, 'Restart'), ['on-failure']);
    assert.deepEqual(get(service, 'KillSignal'), ['SIGTERM']);
  });
}
