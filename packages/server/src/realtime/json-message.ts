import type { RawData } from 'ws';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema, Static } from '@sinclair/typebox';
import { findUnsafeText } from '../shared/unsafe-text.ts';

/** A received ws message as one Buffer, without copying when it already is one. */
export function asBuffer(data: RawData): Buffer {
  return Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/**
 * Parses a text message and checks it against its schema; null when it is neither JSON nor valid,
 * or when a string holds a NUL or an unpaired surrogate (the same rule as for HTTP: such text
 * would fail at the database).
 */
export function readJsonMessage<T extends TSchema>(buf: Buffer, check: TypeCheck<T>): Static<T> | null {
  let msg: unknown;
  try {
    msg = JSON.parse(buf.toString('utf8'));
  } catch {
    return null;
  }
  return check.Check(msg) && findUnsafeText(msg, '') === null ? msg : null;
}
