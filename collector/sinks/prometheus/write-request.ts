// Prometheus remote write 1.0: a WriteRequest (prompb/remote.proto, types.proto) encoded by hand.
// The message is three small types (TimeSeries -> Label, Sample, Exemplar), so a few lines of
// protobuf wire format replace a code generator and a runtime dependency.

export interface Label {
  name: string;
  value: string;
}

export interface Sample {
  value: number;
  timestampMs: number;
}

export interface Exemplar {
  labels: Label[];
  value: number;
  timestampMs: number;
}

export interface TimeSeries {
  /** Including `__name__`; sorted by name on encoding, as Prometheus requires. */
  labels: Label[];
  samples: Sample[];
  exemplars?: Exemplar[];
}

const LEN = 2;
const I64 = 1;
const VARINT = 0;

/** WriteRequest { repeated TimeSeries timeseries = 1; } */
export function encodeWriteRequest(series: readonly TimeSeries[]): Buffer {
  const w = new Writer();
  for (const s of series) w.message(1, encodeSeries(s));
  return w.done();
}

function encodeSeries(s: TimeSeries): Buffer {
  const w = new Writer();
  const labels = [...s.labels].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const l of labels) w.message(1, encodeLabel(l));
  for (const sample of s.samples) w.message(2, encodeSample(sample.value, sample.timestampMs));
  for (const e of s.exemplars ?? []) w.message(3, encodeExemplar(e));
  return w.done();
}

function encodeLabel(l: Label): Buffer {
  const w = new Writer();
  w.string(1, l.name);
  w.string(2, l.value);
  return w.done();
}

/** Sample { double value = 1; int64 timestamp = 2; } */
function encodeSample(value: number, timestampMs: number): Buffer {
  const w = new Writer();
  w.double(1, value);
  w.varint(2, timestampMs);
  return w.done();
}

/** Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; } */
function encodeExemplar(e: Exemplar): Buffer {
  const w = new Writer();
  for (const l of e.labels) w.message(1, encodeLabel(l));
  w.double(2, e.value);
  w.varint(3, e.timestampMs);
  return w.done();
}

class Writer {
  private parts: Buffer[] = [];

  message(field: number, body: Buffer): void {
    this.key(field, LEN);
    this.parts.push(varintBytes(body.length), body);
  }

  string(field: number, value: string): void {
    this.message(field, Buffer.from(value, 'utf8'));
  }

  double(field: number, value: number): void {
    this.key(field, I64);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.parts.push(b);
  }

  /** Non-negative integers below 2^53 (timestamps in ms). */
  varint(field: number, value: number): void {
    this.key(field, VARINT);
    this.parts.push(varintBytes(value));
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }

  private key(field: number, wireType: number): void {
    this.parts.push(varintBytes((field << 3) | wireType));
  }
}

function varintBytes(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a varint: ${value}`);
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}
