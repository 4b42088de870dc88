// JSON.parse in pieces, yielding between them: one JSON.parse of a 1 MiB batch is one
// uninterruptible stretch (5-10 ms on an idle core, many times that on a busy one) that holds
// /healthz and the API. Arrays and objects longer than `maxChars` are taken apart: their
// elements are parsed a run at a time (`[` + run + `]`), and what is still too big is taken apart
// in turn. Every piece goes through JSON.parse itself, so values come out exactly as from one
// JSON.parse of the whole text, and what JSON.parse refuses, this refuses (a SyntaxError).
// The other way to keep the event loop free, a worker thread, costs more than the parse: its
// reply (the events as objects) takes the structured clone about 7 us an event to copy back.

/** The result of JSON.parse(text), parsed at most about `maxChars` characters at a time. */
export function* parseJsonSliced(text: string, maxChars: number): Generator<void, unknown> {
  const start = skipSpace(text, 0);
  const parsed = yield* parseValue(text, start, maxChars);
  if (skipSpace(text, parsed.end) !== text.length) throw unexpected(text, skipSpace(text, parsed.end));
  return parsed.value;
}

interface Parsed {
  value: unknown;
  end: number;
}

function* parseValue(text: string, at: number, maxChars: number): Generator<void, Parsed> {
  const end = valueEnd(text, at, maxChars);
  if (end !== TOO_LONG) return { value: JSON.parse(text.slice(at, end)), end };
  return text.charCodeAt(at) === OPEN_ARRAY ? yield* parseArray(text, at, maxChars) : yield* parseObject(text, at, maxChars);
}

function* parseArray(text: string, at: number, maxChars: number): Generator<void, Parsed> {
  const values: unknown[] = [];
  let i = skipSpace(text, at + 1);
  if (text.charCodeAt(i) === CLOSE_ARRAY) return { value: values, end: i + 1 };
  // Elements short enough are gathered in a run, parsed together once it is a piece long.
  let run: number | undefined = i;
  let comma = -1;
  const flush = (until: number) => {
    if (run !== undefined && until > run) for (const v of JSON.parse(`[${text.slice(run, until)}]`) as unknown[]) values.push(v);
  };
  for (;;) {
    const end = valueEnd(text, i, maxChars);
    if (end === i) throw unexpected(text, i);
    if (end === TOO_LONG) {
      // Too long for a run: the run so far, then this element taken apart on its own.
      flush(comma);
      run = undefined;
      yield;
      const element = yield* parseValue(text, i, maxChars);
      values.push(element.value);
      i = skipSpace(text, element.end);
    } else i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === CLOSE_ARRAY) {
      flush(i);
      return { value: values, end: i + 1 };
    }
    if (c !== COMMA) throw unexpected(text, i);
    comma = i;
    i = skipSpace(text, i + 1);
    if (run === undefined) run = i;
    else if (comma - run >= maxChars) {
      flush(comma);
      run = i;
      yield;
    }
  }
}

function* parseObject(text: string, at: number, maxChars: number): Generator<void, Parsed> {
  const object: Record<string, unknown> = {};
  let i = skipSpace(text, at + 1);
  if (text.charCodeAt(i) === CLOSE_OBJECT) return { value: object, end: i + 1 };
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) throw unexpected(text, i);
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) throw unexpected(text, i);
    const member = yield* parseValue(text, skipSpace(text, i + 1), maxChars);
    // As JSON.parse does: an own property even for "__proto__", the last of duplicate keys wins.
    Object.defineProperty(object, key, { value: member.value, writable: true, enumerable: true, configurable: true });
    i = skipSpace(text, member.end);
    const c = text.charCodeAt(i);
    if (c === CLOSE_OBJECT) return { value: object, end: i + 1 };
    if (c !== COMMA) throw unexpected(text, i);
    i = skipSpace(text, i + 1);
    yield;
  }
}

const TOO_LONG = -1;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Where the value starting at `at` ends, found by its brackets and quotes only (JSON.parse
 * judges the rest), or TOO_LONG for an array or object that passes `at + maxChars`. A string or
 * number is never too long: it cannot be taken apart (and JSON.parse copies a string fast).
 */
function valueEnd(text: string, at: number, maxChars: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) return stringEnd(text, at);
  if (first !== OPEN_ARRAY && first !== OPEN_OBJECT) return scalarEnd(text, at);
  const limit = Math.min(text.length, at + maxChars);
  let depth = 1;
  for (let i = at + 1; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i) - 1;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
    else if ((c === CLOSE_ARRAY || c === CLOSE_OBJECT) && --depth === 0) return i + 1;
  }
  return limit === text.length ? text.length : TOO_LONG;
}

/** Just past the closing quote of the string that starts at `at` (or the text's end). */
function stringEnd(text: string, at: number): number {
  let i = at + 1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i++;
  }
  return text.length;
}

/** The end of a number or literal: the next comma, colon, bracket or space. */
function scalarEnd(text: string, at: number): number {
  let i = at;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === COLON || c === CLOSE_ARRAY || c === CLOSE_OBJECT || c === OPEN_ARRAY || c === OPEN_OBJECT || c === QUOTE || isSpace(c)) return i;
  }
  return i;
}

function skipSpace(text: string, at: number): number {
  let i = at;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function unexpected(text: string, at: number): SyntaxError {
  return new SyntaxError(at < text.length ? `Unexpected token '${text[at]}' in JSON at position ${at}` : 'Unexpected end of JSON input');
}
