import { spawn, type ChildProcess } from 'node:child_process';
import { waitUntil } from './fixtures.ts';

const WAIT_MS = 15_000;

/** A script run as a child process (an integrator's program), its output collected, with bounded waits on it. */
export class ScriptProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(command: string, args: string[], opts: { cwd: string; env?: Record<string, string> }) {
    this.child = spawn(command, args, { cwd: opts.cwd, env: { ...process.env, PYTHONUNBUFFERED: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code) => resolve(code));
    });
  }

  /** The first capture group of `re` in stdout, once it appears. */
  async line(re: RegExp, timeoutMs = WAIT_MS): Promise<string> {
    const m = await waitUntil(async () => re.exec(this.stdout) ?? this.failIfExited(re), timeoutMs, `${re} in stdout\n${this.output()}`);
    return m[1]!;
  }

  async exitCode(timeoutMs = WAIT_MS): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the script did not exit within ${timeoutMs} ms\n${this.output()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  output() {
    return `--- stdout\n${this.stdout}--- stderr\n${this.stderr}`;
  }

  private failIfExited(re: RegExp): null {
    if (this.child.exitCode !== null) throw new Error(`the script exited with ${this.child.exitCode} before printing ${re}\n${this.output()}`);
    return null;
  }
}
