// What the main thread and a decode worker say to each other. Streams travel as transferred
// buffers (no copy); the shared all-zero streams are sent as null and restored on arrival,
// since each thread has its own and transferring one would empty it for later images.
import type { MessagePort } from 'node:worker_threads';
import { STREAM_NAMES, type StreamName, type V4Streams } from '../contract.ts';
import type { DecodeLimits } from '../limits.ts';
import type { ModelOutputs } from '../outputs.ts';
import type { ImageInfo, Preprocessed } from '../preprocess.ts';
import { sharedZeros } from '../streams/zeros.ts';

export interface PreprocessTask {
  id: number;
  bytes: Uint8Array;
  limits: DecodeLimits;
  /** Send the streams straight to the model worker under this id, not back to the main thread. */
  forwardAs?: number;
}

/** Gives a worker its end of a channel to the other kind of worker (decode <-> model). */
export interface ConnectMessage {
  connect: MessagePort;
}

/** Decode worker -> model worker, on their own channel: one image's streams, for the model. */
export interface ForwardedStreams {
  id: number;
  info: ImageInfo;
  streams: WireStreams;
  decodeMs: number;
  preprocessMs: number;
}

/** Main thread -> model worker: an image the model worker decodes itself (no decode worker). */
export interface ScanRequest {
  id: number;
  scan: Uint8Array;
  limits: DecodeLimits;
  /** No other image is in flight: the worker may run it with its alone-threads model. */
  alone?: boolean;
}

/** Model worker -> main thread: the answer for an image a decode worker sent straight to it. */
export type ForwardedReply =
  | { forwarded: true; id: number; ok: true; info: ImageInfo; outputs: ModelOutputs; decodeMs: number; preprocessMs: number; inferMs: number; threads: number }
  | { forwarded: true; id: number; ok: false; code: string | null; message: string };

export type WireStreams = Record<StreamName, Float32Array | null>;

export type PreprocessReply =
  | { id: number; ok: true; info: ImageInfo; streams: WireStreams; decodeMs: number; preprocessMs: number }
  /** The streams went to the model worker; the decode worker is free. */
  | { id: number; ok: true; sentToModel: true }
  | { id: number; ok: false; code: string | null; message: string };

export type WorkerMessage = PreprocessReply | { ready: true };

/** Streams with the shared zero ones left out (null), for a copy or a transfer. */
export function streamsToWire(streams: V4Streams): WireStreams {
  const out = {} as WireStreams;
  for (const name of STREAM_NAMES) out[name] = streams[name] === sharedZeros(name) ? null : streams[name];
  return out;
}

/** The buffers under the streams, each once (two streams may share one). */
export function transferList(all: readonly WireStreams[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const streams of all) for (const s of Object.values(streams)) if (s) buffers.add(s.buffer as ArrayBuffer);
  return [...buffers];
}

export function toWire(p: Preprocessed): { streams: WireStreams; transfer: ArrayBuffer[] } {
  const streams = streamsToWire(p.streams);
  return { streams, transfer: transferList([streams]) };
}

export function fromWire(streams: WireStreams): V4Streams {
  const out = {} as V4Streams;
  for (const name of STREAM_NAMES) out[name] = streams[name] ?? sharedZeros(name);
  return out;
}
