import { readFileSync } from 'node:fs';

/** A stream of page frames recorded from the real SDK in Chromium (bench/fixtures/recorded-stream.json). */
export interface RecordedStream {
  recordedAt: string;
  source: string;
  durationMs: number;
  frames: { at: number; kind: number; compressed: boolean; bytes: number; body?: string }[];
}

export function loadRecordedStream(file: string): RecordedStream {
  return JSON.parse(readFileSync(file, 'utf8')) as RecordedStream;
}
