import { spawn, type ChildProcess } from 'node:child_process';
import { portAccepts } from '../../../../scripts/cluster/port-accepts.ts';
import { freePort } from './free-port.ts';

/** A redis-server of the test's own on a free loopback port (no persistence), stoppable at will. */
export class OwnRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async create(): Promise<OwnRedis> {
    const own = new OwnRedis(await freePort());
    await own.start();
    return own;
  }

  async start() {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.child = child;
    for (let i = 0; i < 100; i++) {
      if (await portAccepts(this.port)) return;
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`redis-server did not listen on ${this.port} within 10 s`);
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing is answered, like a stalled Redis. */
  pause() {
    this.child?.kill('SIGSTOP');
  }

  resume() {
    this.child?.kill('SIGCONT');
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.child = null;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}
