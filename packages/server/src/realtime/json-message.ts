import type { RawData } from 'ws';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema, Static } from '@sinclair/typebox';

/** A received ws message as one Buffer, without copying when it already is one. */
export function asBuffer(data: RawData): Buffer {
  return Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** Parses a text message and checks it against its schema; null when it is neither JSON nor valid. */
export function readJsonMessage<T extends TSchema>(buf: Buffer, check: TypeCheck<T>): Static<T> | null {
  let msg: unknown;
  try {
    msg = JSON.parse(buf.toString('utf8'));
  } catch {
    return null;
  }
  return check.Check(msg) ? msg : null;
}
