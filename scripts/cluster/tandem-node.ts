import { spawn, type ChildProcess } from 'node:child_process';

const CLI = new URL('../../packages/server/src/cli.ts', import.meta.url).pathname;

/** One node of `npm run cluster`: `tandem start` as a child process, its lines prefixed with its name. */
export interface TandemNode {
  name: string;
  port: number;
  /** Set when this node made the database's first API client (printed once). */
  bootstrap: { clientId: string; clientSecret: string } | null;
  stop(): Promise<void>;
}

export async function startTandemNode(name: string, port: number, env: NodeJS.ProcessEnv, onExit: (code: number | null) => void): Promise<TandemNode> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CLI, 'start'], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let started = false;
  const prefix = (stream: NodeJS.WriteStream) => (d: Buffer) => {
    const text = d.toString();
    if (!started) out += text;
    // The banner and the first start's credentials are the launcher's to print.
    else stream.write(text.replace(/^(?=.)/gm, `[${name}] `));
  };
  child.stdout!.on('data', prefix(process.stdout));
  child.stderr!.on('data', prefix(process.stderr));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} printed no banner within 60 s:\n${out}`));
    }, 60_000);
    const check = () => {
      if (/API docs/.test(out) && (!/First start/.test(out) || /TANDEM_CLIENT_SECRET=\S+\n/.test(out))) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before listening:\n${out}`));
    });
  });
  started = true;
  void exited.then(onExit);
  const creds = /TANDEM_CLIENT_ID=(\S+)\s+TANDEM_CLIENT_SECRET=(\S+)/.exec(out);
  return {
    name,
    port,
    bootstrap: creds ? { clientId: creds[1]!, clientSecret: creds[2]! } : null,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(force);
    },
  };
}
