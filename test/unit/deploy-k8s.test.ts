// The Kubernetes manifests parse, and name only what exists: the image the Containerfile builds,
// real commands and flags, the ports and probe paths the servers answer, environment variables
// the code reads, and ConfigMaps/Secrets (and keys) defined beside them. The sidecar is checked as
// it lands in a user's deployment: the attach component applied to deploy/k8s/example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { COMMANDS, ENV_READ, IMAGE, flagsOf, read, valueOf, routedPaths } from './deploy-support.ts';
import { applyComponent, kustomizationResources } from './kustomize-lite.ts';

const DIR = 'deploy/k8s';
const kustomization = parseAllDocuments(read(`${DIR}/kustomization.yaml`))[0].toJS();
const base: any[] = kustomizationResources(DIR);
const attached: any[] = applyComponent(kustomizationResources(`${DIR}/example`), `${DIR}/attach`);
const staging: any[] = kustomizationResources(`${DIR}/staging`);
const docs = [...base, ...attached];
const ofKind = (kind: string, from = docs) => from.filter((d) => d.kind === kind);
const workloads = [...ofKind('Deployment'), ...ofKind('StatefulSet')];
const configMaps = new Map(ofKind('ConfigMap').map((c) => [c.metadata.name, c.data ?? {}]));
const secrets = new Map(ofKind('Secret').map((s) => [s.metadata.name, { ...s.data, ...s.stringData }]));
/** Containers built from our image (the sidecar's neighbour is the user's inference service). */
const ours = workloads.flatMap((w) =>
  w.spec.template.spec.containers.filter((c: any) => c.name !== 'inference').map((c: any) => ({ w, c })),
);

test('every manifest parses and has the basics of its kind', () => {
  assert.ok(docs.length >= 9);
  assert.ok(staging.length >= 5);
  for (const d of [...docs, ...staging]) assert.ok(d.apiVersion && d.kind && d.metadata?.name, JSON.stringify(d).slice(0, 80));
  assert.equal(kustomization.kind, 'Kustomization');
});

test('our containers use the image deploy/container/Containerfile builds', () => {
  assert.ok(ours.length >= 3);
  for (const { c } of ours) assert.equal(c.image, IMAGE, c.name);
  const [name, tag] = IMAGE.split(':');
  assert.deepEqual(kustomization.images, [{ name, newTag: tag }]);
  const foreign = workloads.flatMap((w) => w.spec.template.spec.containers).filter((c: any) => c.image !== IMAGE);
  assert.deepEqual(foreign.map((c: any) => c.name), ['inference'], 'only the observed inference service is not ours');
});

test('containers run real starwatch commands with real flags', () => {
  for (const { c } of ours) {
    const [command, ...args] = c.args;
    const cli = COMMANDS.get(command);
    assert.ok(cli, `${c.name}: no command "${command}"`);
    for (const flag of flagsOf(args)) assert.ok(cli.flags.has(flag), `${c.name}: starwatch ${command} has no ${flag}`);
  }
});

test('container ports and probe paths are the ones the agent and collector serve', () => {
  const agentPaths = routedPaths('agent/server/server.ts');
  const collectorPaths = routedPaths('collector/http.ts');
  for (const { w, c } of ours) {
    const [command, ...args] = c.args;
    const declared = new Map(c.ports.map((p: any) => [p.name, p.containerPort]));
    const env = envOf(w, c);
    const listens = command === 'agent' ? Number(valueOf(args, '--port') ?? COMMANDS.get('agent')!.defaults.get('--port')) : Number(env.get('STARWATCH_HTTP_PORT'));
    // In a user's pod the agent's port is named starwatch, apart from the user's own port names.
    assert.equal(declared.get('http') ?? declared.get('starwatch'), listens, `${c.name}: containerPort is not the port it listens on`);
    if (command === 'collector') assert.equal(env.get('STARWATCH_HTTP_HOST'), '0.0.0.0', 'the collector must listen beyond localhost for probes');
    if (command === 'collector') {
      assert.equal(declared.get('api'), Number(env.get('STARWATCH_API_PORT')), `${c.name}: the api containerPort is not STARWATCH_API_PORT`);
      assert.equal(env.get('STARWATCH_API_HOST'), '0.0.0.0', 'the API must listen beyond localhost');
      assert.ok(c.env.some((e: any) => e.name === 'STARWATCH_API_TOKEN' && e.valueFrom?.secretKeyRef), 'the API token comes from the Secret');
    }
    const paths = command === 'agent' ? agentPaths : collectorPaths;
    for (const [probe, path] of [['livenessProbe', '/healthz'], ['readinessProbe', '/readyz']] as const) {
      const get = c[probe]?.httpGet;
      assert.ok(get, `${c.name}: no ${probe}`);
      assert.equal(get.path, path);
      assert.ok(paths.has(get.path), `${command} does not serve ${get.path}`);
      assert.ok(declared.has(get.port), `${c.name}: ${probe} port ${get.port} is not a declared port`);
    }
  }
});

/** The container's environment: literal values, and values resolved from the ConfigMaps. */
function envOf(w: any, c: any): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  for (const from of c.envFrom ?? []) for (const [k, v] of Object.entries(configMaps.get(from.configMapRef?.name) ?? {})) env.set(k, String(v));
  for (const e of c.env ?? []) {
    const cm = e.valueFrom?.configMapKeyRef;
    env.set(e.name, e.value ?? (cm ? configMaps.get(cm.name)?.[cm.key] : undefined));
  }
  void w;
  return env;
}

test('every environment variable is one the code reads or one the args substitute', () => {
  for (const { c } of ours) {
    const substituted = new Set(c.args.flatMap((a: string) => [...a.matchAll(/\$\((\w+)\)/g)].map((m) => m[1])));
    for (const e of c.env ?? []) assert.ok(ENV_READ.has(e.name) || substituted.has(e.name), `${c.name}: nothing reads ${e.name}`);
    for (const name of substituted) assert.ok((c.env ?? []).some((e: any) => e.name === name), `${c.name}: $(${name}) is not defined`);
    for (const from of c.envFrom ?? []) {
      for (const key of Object.keys(configMaps.get(from.configMapRef.name) ?? {})) assert.ok(ENV_READ.has(key), `ConfigMap key ${key} is read by nothing`);
    }
  }
});

test('every ConfigMap and Secret referenced exists with the key asked for', () => {
  for (const w of workloads) {
    for (const c of w.spec.template.spec.containers) {
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef) assert.ok(configMaps.has(from.configMapRef.name), from.configMapRef.name);
        if (from.secretRef) assert.ok(secrets.has(from.secretRef.name), from.secretRef.name);
      }
      for (const e of c.env ?? []) {
        const cm = e.valueFrom?.configMapKeyRef;
        const sec = e.valueFrom?.secretKeyRef;
        if (cm) assert.ok(cm.key in (configMaps.get(cm.name) ?? {}), `${c.name}: ConfigMap ${cm.name} has no ${cm.key}`);
        if (sec) assert.ok(sec.key in (secrets.get(sec.name) ?? {}), `${c.name}: Secret ${sec.name} has no ${sec.key}`);
      }
    }
  }
});

test('secrets reach the code through the environment, never through args', () => {
  for (const { c } of ours) {
    assert.ok(!flagsOf(c.args).some((f) => /token|pass/.test(f)), `${c.name} passes a secret on the command line`);
    assert.ok(c.env.some((e: any) => e.name === 'STARWATCH_NATS_TOKEN' && e.valueFrom?.secretKeyRef), `${c.name}: NATS token not from the Secret`);
  }
});

test('every container has resource requests and limits', () => {
  for (const w of workloads)
    for (const c of w.spec.template.spec.containers) {
      assert.ok(c.resources?.requests?.cpu && c.resources?.requests?.memory, `${c.name}: requests`);
      assert.ok(c.resources?.limits?.cpu && c.resources?.limits?.memory, `${c.name}: limits`);
    }
});

test('the sidecar agent proxies to the inference container on localhost', () => {
  const pod = workloads.find((w) => w.spec.template.spec.containers.some((c: any) => c.name === 'inference'))!.spec.template.spec;
  const agent = pod.containers.find((c: any) => c.args?.[0] === 'agent');
  const upstream = new URL(valueOf(agent.args, '--proxy')!);
  assert.equal(upstream.hostname, '127.0.0.1');
  const inference = pod.containers.find((c: any) => c.name === 'inference');
  assert.ok(inference.ports.some((p: any) => String(p.containerPort) === upstream.port), 'the upstream port is the inference container port');
});

test('collector replicas share one durable consumer and have stable replica names', () => {
  const [collector] = ofKind('StatefulSet');
  assert.ok(collector.spec.replicas >= 2);
  const c = collector.spec.template.spec.containers[0];
  const env = envOf(collector, c);
  assert.ok(env.get('STARWATCH_NATS_DURABLE'), 'one durable name for all replicas');
  const replica = c.env.find((e: any) => e.name === 'STARWATCH_REPLICA');
  assert.equal(replica.valueFrom.fieldRef.fieldPath, 'metadata.name');
});

test('services select pods that exist and target ports they declare', () => {
  for (const svc of ofKind('Service')) {
    const pods = workloads.filter((w) => Object.entries(svc.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v));
    assert.equal(pods.length, 1, `${svc.metadata.name} selects ${pods.length} workloads`);
    const names = pods[0].spec.template.spec.containers.flatMap((c: any) => c.ports.map((p: any) => p.name));
    for (const p of svc.spec.ports) assert.ok(names.includes(p.targetPort), `${svc.metadata.name}: no port ${p.targetPort}`);
  }
});

test('attaching adds the agent to the labelled deployment and leaves the user containers as they were', () => {
  const user = kustomizationResources(`${DIR}/example`).find((d) => d.kind === 'Deployment');
  const after = ofKind('Deployment', attached)[0];
  const names = after.spec.template.spec.containers.map((c: any) => c.name);
  assert.deepEqual(names, ['inference', 'starwatch-agent']);
  assert.deepEqual(after.spec.template.spec.containers[0], user.spec.template.spec.containers[0]);
  const svc = ofKind('Service', attached)[0];
  assert.equal(svc.spec.ports[0].targetPort, 'starwatch', 'clients reach the agent, which forwards to Starlight');
});

test('agents run the reference model the image carries, with golden probes the image makes', () => {
  const containerfile = read('deploy/container/Containerfile');
  for (const { c } of ours.filter(({ c }) => c.args[0] === 'agent')) {
    const model = valueOf(c.args, '--model');
    if (model) {
      assert.match(model, /v4-reference\.onnx$/, `${c.name} serves the random-weight model`);
      assert.ok(containerfile.includes(`./models/${model.split('/').pop()}`), `${c.name}: the image has no ${model}`);
    }
    const probes = valueOf(c.args, '--probes');
    assert.ok(probes, `${c.name}: golden probes are off, so FPR and detection stay empty`);
    assert.match(containerfile, new RegExp(`generate --out ${probes} `), `${c.name}: the image does not make ${probes}`);
  }
});

test('staging NATS is a 3-node JetStream cluster whose routes name its own pods, behind the URL the config uses', () => {
  const nats = ofKind('StatefulSet', staging).find((s) => s.metadata.name === 'nats');
  assert.equal(nats.spec.replicas, 3);
  const conf: string = ofKind('ConfigMap', staging).find((c) => c.metadata.name === 'nats-config').data['nats.conf'];
  assert.match(conf, /jetstream \{/);
  const routes = [...conf.matchAll(/nats-route:\/\/([\w-]+)\.([\w-]+)\./g)];
  assert.deepEqual(routes.map((m) => m[1]), ['nats-0', 'nats-1', 'nats-2']);
  assert.ok(routes.every((m) => m[2] === nats.spec.serviceName));
  const services = new Set(ofKind('Service', staging).map((s) => s.metadata.name));
  for (const url of [configMaps.get('starwatch-config').STARWATCH_NATS_URL, configMaps.get('starwatch-agent-config').STARWATCH_NATS_URL, configMaps.get('starwatch-config').STARWATCH_INFLUX_URL]) {
    const host = new URL(url).hostname.split('.')[0];
    assert.ok(services.has(host), `${url}: staging has no Service ${host}`);
  }
});
