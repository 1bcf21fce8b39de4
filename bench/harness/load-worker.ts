import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { FORKED_FLAG, type WorkerCommand, type WorkerReply } from './session-worker.ts';
import { RECORDED_STREAM } from '../scenarios/wire-bytes.ts';

const WORKER = new URL('./session-worker-boot.mjs', import.meta.url);
const SESSION_WORKER = new URL('./session-worker.ts', import.meta.url).pathname;

export interface LoadWorkerOptions {
  /**
   * A forked process rather than a thread of the bench: its sockets count against a file
   * descriptor limit of its own (one process may hold ~20,000; 5,000 sessions against Tandem and
   * the bare relay take 20,000 client sockets, beside the bench's 5,000 visitor pages).
   */
  process?: boolean;
}

/** A thread (or process) of simulated live sessions (session-worker.ts), asked one command at a time. */
export class LoadWorker {
  private readonly worker: Worker | ChildProcess;
  private readonly replies: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  constructor(url: string, opts: LoadWorkerOptions = {}) {
    const data = { url, streamFile: RECORDED_STREAM };
    this.worker = opts.process
      ? fork(SESSION_WORKER, [FORKED_FLAG, JSON.stringify(data)],
        { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      : new Worker(WORKER, { workerData: data });
    this.worker.on('message', (r: WorkerReply) => {
      this.replies.shift()?.resolve(r);
      if (r.type === 'stopped' && 'disconnect' in this.worker && this.worker.connected) this.worker.disconnect();
    });
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
      if ('postMessage' in this.worker) this.worker.postMessage(cmd);
      else this.worker.send(cmd);
    });
  }
}
