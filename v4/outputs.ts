// The outputs a V4 model may have (../shared/v4-contract.md, "Outputs") and their width per
// image. Only stego_logits is required; a model may have any subset of the others.

export const OUTPUT_WIDTHS = {
  stego_logits: 1,
  method_logits: 5,
  method_probs: 5,
  bit_order_logits: 3,
  embedding: 64,
} as const;

export type OutputName = keyof typeof OUTPUT_WIDTHS;
export const REQUIRED_OUTPUT: OutputName = 'stego_logits';

export function isOutputName(name: string): name is OutputName {
  return Object.hasOwn(OUTPUT_WIDTHS, name);
}

/** One batch of model outputs: for each output the model has, N * width values, row-major. */
export interface ModelOutputs {
  batch: number;
  values: Partial<Record<OutputName, Float32Array>>;
}

/** Image i's row of an output, or null if the model does not have that output. */
export function outputRow(out: ModelOutputs, name: OutputName, i: number): Float32Array | null {
  const all = out.values[name];
  if (!all) return null;
  const w = OUTPUT_WIDTHS[name];
  return all.subarray(i * w, (i + 1) * w);
}
