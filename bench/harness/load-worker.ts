import { Worker } from 'node:worker_threads';
import type { WorkerCommand, WorkerReply } from './session-worker.ts';
import { RECORDED_STREAM } from '../scenarios/wire-bytes.ts';

const WORKER = new URL('./session-worker-boot.mjs', import.meta.url);

/** A thread of simulated live sessions (session-worker.ts), asked one command at a time. */
export class LoadWorker {
  private readonly worker: Worker;
  private readonly replies: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  constructor(url: string) {
    this.worker = new Worker(WORKER, { workerData: { url, streamFile: RECORDED_STREAM } });
    this.worker.on('message', (r: WorkerReply) => this.replies.shift()?.resolve(r));
    const fail = (err: Error) => {
      this.failure = err;
      for (const r of this.replies.splice(0)) r.reject(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', () => fail(new Error('load worker exited')));
  }
  ask<T extends WorkerReply['type']>(cmd: WorkerCommand): Promise<Extract<WorkerReply, { type: T }>> {
    if (this.failure) return cmd.type === 'stop' ? Promise.resolve({ type: 'stopped' } as never) : Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.replies.push({ resolve: resolve as (r: WorkerReply) => void, reject });
      this.worker.postMessage(cmd);
    });
  }
}
