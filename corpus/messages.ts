// Hidden messages of a chosen length: printable text in several styles, or random bytes.
// Rules keep a message from breaking its own method (a 0x00 would end a pixel payload early;
// a ';' or FF D9 in a tail would move the "end of image" a reader finds).
import type { Rng } from './random.ts';

export type MessageKind = 'prose' | 'hex' | 'base64' | 'json' | 'bytes';

export interface MessageRules {
  noZero: boolean;
  /** Byte sequences that must not appear in the message. */
  avoid: Uint8Array[];
}

const WORDS = (
  'the a of to and in is it you that he was for on are with as his they be at one have this from ' +
  'meet me at dawn under bridge north gate key code alpha bravo delta echo signal quiet river ' +
  'star light night window packet route station agent report send money account password token ' +
  'secret hidden message archive picture camera blue green orange coffee train ticket ' +
  'tomorrow noon midnight safe house contact handler drop point coordinates plan backup'
).split(' ');

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function makeMessage(rng: Rng, length: number, rules: MessageRules): { bytes: Uint8Array; kind: MessageKind } {
  const kind = rng.pick<MessageKind>(['prose', 'prose', 'hex', 'base64', 'json', 'bytes', 'bytes']);
  const text = kind === 'bytes' ? null : textOf(kind, rng, length);
  const bytes = text === null ? randomBytes(rng, length) : new TextEncoder().encode(text).subarray(0, length);
  return { bytes: scrub(bytes, rules, rng), kind };
}

function textOf(kind: MessageKind, rng: Rng, length: number): string {
  let out = '';
  while (out.length < length) {
    if (kind === 'hex') out += rng.nextU32().toString(16).padStart(8, '0');
    else if (kind === 'base64') out += BASE64[rng.int(0, 63)];
    else if (kind === 'json') out += `{"id":${rng.int(0, 99999)},"k":"${rng.pick(WORDS)}","v":${rng.float().toFixed(4)}}`;
    else out += sentence(rng);
  }
  return out;
}

function sentence(rng: Rng): string {
  const words = Array.from({ length: rng.int(3, 12) }, () => rng.pick(WORDS));
  if (rng.chance(0.3)) words.push(String(rng.int(0, 9999)));
  const text = words.join(' ');
  return text[0].toUpperCase() + text.slice(1) + rng.pick(['. ', '! ', '? ', '.\n']);
}

function randomBytes(rng: Rng, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = rng.int(0, 255);
  return bytes;
}

/** Replaces bytes that break the rules with random printable ones until none are left. */
function scrub(bytes: Uint8Array, rules: MessageRules, rng: Rng): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < out.length; i++) {
      const bad = (rules.noZero && out[i] === 0) || rules.avoid.some((seq) => startsWithAt(out, seq, i));
      if (bad) {
        out[i] = rng.int(0x41, 0x5a);
        changed = true;
      }
    }
  }
  return out;
}

function startsWithAt(bytes: Uint8Array, seq: Uint8Array, at: number): boolean {
  if (at + seq.length > bytes.length) return false;
  for (let k = 0; k < seq.length; k++) if (bytes[at + k] !== seq[k]) return false;
  return true;
}
