// JSON.parse in pieces, yielding between them: one JSON.parse of a 1 MiB batch is one
// uninterruptible stretch (5-10 ms on an idle core, many times that on a busy one) that holds
// /healthz and the API. Arrays and objects longer than `maxChars` are taken apart: their
// elements (members) are parsed a run at a time, `[` + run + `]` (`{` + run + `}`), found in one
// pass over brackets and quotes; an element too long for a run is taken apart in turn. Every
// piece goes through JSON.parse itself, so values come out exactly as from one JSON.parse of the
// whole text, and what JSON.parse refuses, this refuses (a SyntaxError).
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
  return yield* parseContainer(text, at, maxChars);
}

/**
 * An array or object too long for one piece: its elements (or members) are parsed a run at a
 * time, `[` + run + `]` (or `{` + run + `}`), each run about a piece long; an element too long
 * for a run is taken apart on its own.
 */
function* parseContainer(text: string, at: number, maxChars: number): Generator<void, Parsed> {
  const isArray = text.charCodeAt(at) === OPEN_ARRAY;
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  const into: Into = isArray ? new ArrayInto() : new ObjectInto();
  let i = skipSpace(text, at + 1);
  if (text[i] === close) return { value: into.result(), end: i + 1 };
  for (;;) {
    const cut = nextCut(text, i, maxChars);
    // After the opening bracket, and after every comma, an element must follow.
    if (cut.runEnd === i) throw unexpected(text, i);
    if (cut.runEnd > i) into.addAll(JSON.parse(open + text.slice(i, cut.runEnd) + close));
    if (cut.kind === 'end') {
      if (text[cut.at] !== close) throw unexpected(text, cut.at);
      return { value: into.result(), end: cut.at + 1 };
    }
    yield;
    i = cut.at;
    if (cut.kind === 'big') {
      let valueAt = i;
      let key = '';
      if (!isArray) {
        if (text.charCodeAt(i) !== QUOTE) throw unexpected(text, i);
        const keyEnd = stringEnd(text, i);
        key = JSON.parse(text.slice(i, keyEnd)) as string;
        valueAt = skipSpace(text, keyEnd);
        if (text.charCodeAt(valueAt) !== COLON) throw unexpected(text, valueAt);
        valueAt = skipSpace(text, valueAt + 1);
      }
      const part = yield* parseValue(text, valueAt, maxChars);
      into.add(key, part.value);
      i = skipSpace(text, part.end);
      if (text[i] === close) return { value: into.result(), end: i + 1 };
      if (text.charCodeAt(i) !== COMMA) throw unexpected(text, i);
    }
    i = skipSpace(text, i + 1);
  }
}

/** Where a container's values go: the runs' arrays joined, or the runs' members on one object. */
interface Into {
  addAll(parsed: unknown): void;
  add(key: string, value: unknown): void;
  result(): unknown;
}

class ArrayInto implements Into {
  private readonly runs: unknown[][] = [];
  addAll(parsed: unknown): void {
    this.runs.push(parsed as unknown[]);
  }
  add(_key: string, value: unknown): void {
    this.runs.push([value]);
  }
  result(): unknown[] {
    return this.runs.length === 1 ? this.runs[0] : ([] as unknown[]).concat(...this.runs);
  }
}

class ObjectInto implements Into {
  private object: Record<string, unknown> | undefined;
  addAll(parsed: unknown): void {
    const run = parsed as Record<string, unknown>;
    if (this.object === undefined) this.object = run;
    // Assigning "__proto__" would set the prototype: that key is defined as JSON.parse does.
    else if (!Object.hasOwn(run, '__proto__')) Object.assign(this.object, run);
    else for (const key of Object.keys(run)) this.add(key, run[key]);
  }
  // As JSON.parse does: an own property even for "__proto__"; a duplicate key keeps its first
  // place and takes the last value (so does Object.assign).
  add(key: string, value: unknown): void {
    this.object ??= {};
    Object.defineProperty(this.object, key, { value, writable: true, enumerable: true, configurable: true });
  }
  result(): Record<string, unknown> {
    return this.object ?? {};
  }
}

interface Cut {
  /** `end`: the container's closing bracket; `comma`: a run long enough ends at this comma; `big`: an element too long for a run starts here. */
  kind: 'end' | 'comma' | 'big';
  at: number;
  /** Where the run before `at` ends (exclusive); -1 when there is none. */
  runEnd: number;
}

/**
 * From the start of an element, in one pass: where the run that starts there ends. Brackets
 * and quotes are all it reads (JSON.parse judges the rest, run by run).
 */
function nextCut(text: string, from: number, maxChars: number): Cut {
  let depth = 0;
  let element = from;
  let comma = -1;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i) - 1;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
    else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (depth === 0) return { kind: 'end', at: i, runEnd: i };
      depth--;
    } else if (c === COMMA && depth === 0) {
      if (i - from >= maxChars) return { kind: 'comma', at: i, runEnd: i };
      comma = i;
      element = i + 1;
    }
    if (depth > 0 && i - element >= maxChars) return { kind: 'big', at: skipSpace(text, element), runEnd: comma };
  }
  throw new SyntaxError('Unexpected end of JSON input');
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
  for (let from = at + 1; ; ) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
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
