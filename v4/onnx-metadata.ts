// Reads the custom metadata (ModelProto.metadata_props, field 14) of an ONNX file.
// onnxruntime-node does not expose it, and a full protobuf/onnx dependency would be heavy
// for one field: the top level of the message is walked and every other field skipped.

const METADATA_PROPS = 14;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;

class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (!(b & 0x80)) return result;
      scale *= 128;
    }
    throw new Error('varint too long');
  }

  bytes(): Uint8Array {
    const len = this.varint();
    const end = this.pos + len;
    if (end > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

function readEntry(bytes: Uint8Array): [string, string] {
  const r = new Reader(bytes);
  const text = new TextDecoder();
  let key = '';
  let value = '';
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    if (field === ENTRY_KEY && (tag & 7) === 2) key = text.decode(r.bytes());
    else if (field === ENTRY_VALUE && (tag & 7) === 2) value = text.decode(r.bytes());
    else r.skip(tag & 7);
  }
  return [key, value];
}

/** Key/value metadata of an ONNX model file; throws if the bytes are not a protobuf message. */
export function readOnnxMetadata(file: Uint8Array): Record<string, string> {
  const r = new Reader(file);
  const out: Record<string, string> = {};
  while (!r.done) {
    const tag = r.varint();
    if (Math.floor(tag / 8) === METADATA_PROPS && (tag & 7) === 2) {
      const [key, value] = readEntry(r.bytes());
      out[key] = value;
    } else {
      r.skip(tag & 7);
    }
  }
  return out;
}
