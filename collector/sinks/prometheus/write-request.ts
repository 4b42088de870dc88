// Prometheus remote write 1.0: a WriteRequest (prompb/remote.proto, types.proto), encoded by
// protobufjs from the part of Prometheus' own schema this sink sends, and compressed with snappy
// (Content-Encoding: snappy), as the protocol requires.
import protobuf from 'protobufjs';
import { compress } from 'snappyjs';

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

// Field numbers as in Prometheus' prompb/types.proto and remote.proto.
const PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
`;

const WriteRequest = protobuf.parse(PROTO).root.lookupType('prometheus.WriteRequest');

const byName = (a: Label, b: Label): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The protobuf bytes of a WriteRequest holding `series`. */
export function encodeWriteRequest(series: readonly TimeSeries[]): Uint8Array {
  const timeseries = series.map((s) => ({
    labels: [...s.labels].sort(byName),
    samples: s.samples.map((x) => ({ value: x.value, timestamp: x.timestampMs })),
    exemplars: (s.exemplars ?? []).map((e) => ({ labels: e.labels, value: e.value, timestamp: e.timestampMs })),
  }));
  return WriteRequest.encode(WriteRequest.fromObject({ timeseries })).finish();
}

/** The request body: the WriteRequest, snappy-compressed. */
export function writeRequestBody(series: readonly TimeSeries[]): Buffer {
  const compressed = compress(encodeWriteRequest(series));
  return Buffer.from(compressed.buffer, compressed.byteOffset, compressed.byteLength);
}
