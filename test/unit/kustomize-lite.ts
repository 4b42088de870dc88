// Just enough of kustomize for the deploy tests (no kustomize binary here): the resources a
// kustomization lists, and a Component's patches applied to them (strategic merge of containers
// and volumes by name, and JSON 6902 `replace`), each to the resources its label selector picks.
import { parseAllDocuments } from 'yaml';
import { read } from './deploy-support.ts';

const parse = (path: string): any[] =>
  parseAllDocuments(read(path)).map((d) => {
    if (d.errors.length) throw new Error(`${path} does not parse: ${d.errors[0].message}`);
    return d.toJS();
  });

export function kustomizationResources(dir: string): any[] {
  const k = parse(`${dir}/kustomization.yaml`)[0];
  return (k.resources ?? []).flatMap((file: string) => parse(`${dir}/${file}`));
}

export function applyComponent(resources: any[], dir: string): any[] {
  const component = parse(`${dir}/kustomization.yaml`)[0];
  if (component.kind !== 'Component') throw new Error(`${dir} is not a Component`);
  const out = structuredClone(resources).concat((component.resources ?? []).flatMap((f: string) => parse(`${dir}/${f}`)));
  for (const { path, target } of component.patches) {
    const [patch] = parse(`${dir}/${path}`);
    const [key, value] = String(target.labelSelector).split('=');
    for (const doc of out.filter((d: any) => d.kind === target.kind && d.metadata?.labels?.[key] === value)) {
      if (Array.isArray(patch)) replaceOps(doc, patch);
      else mergePodSpec(doc.spec.template.spec, patch.spec.template.spec);
    }
  }
  return out;
}

function mergePodSpec(into: any, patch: any): void {
  for (const list of ['containers', 'volumes']) {
    for (const item of patch[list] ?? []) {
      into[list] = (into[list] ?? []).filter((x: any) => x.name !== item.name).concat(item);
    }
  }
}

function replaceOps(doc: any, ops: any[]): void {
  for (const op of ops) {
    if (op.op !== 'replace') throw new Error(`kustomize-lite: no ${op.op}`);
    const keys = op.path.split('/').slice(1);
    const parent = keys.slice(0, -1).reduce((at: any, k: string) => at[k], doc);
    parent[keys.at(-1)] = op.value;
  }
}
