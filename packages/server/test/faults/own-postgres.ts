import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.ts';

/**
 * A Postgres cluster of the test's own on a free loopback port, so a test can stop it, kill its
 * connections and start it again without touching the machine's shared server. Runs as the
 * `postgres` user; its data lives in a temp directory removed by `remove`.
 */
export class OwnPostgres {
  private constructor(readonly dir: string, readonly port: number, private readonly bin: string) {}

  /** The URL of its `postgres` database (trust authentication, loopback only). */
  get url() {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<OwnPostgres> {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    const bin = versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((b) => existsSync(`${b}/initdb`));
    if (!bin) throw new Error('no initdb under /usr/lib/postgresql/*/bin: apt-get install postgresql');
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-own-pg-'));
    const { uid, gid } = userIds('postgres');
    chownSync(dir, uid, gid);
    const own = new OwnPostgres(dir, await freePort(), bin);
    own.asPostgres('initdb', ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    own.start();
    return own;
  }

  start() {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
    this.asPostgres('pg_ctl', ['-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'log'), '-o', opts, '-w', '-t', '60', 'start']);
  }

  /** Stops it the way an operator's restart or a failover does: clients are disconnected. */
  stop() {
    this.asPostgres('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', '-t', '60', 'stop']);
  }

  /** Terminates every idle client connection, as an idle-timeout on a proxy or a DBA would. */
  async terminateIdle(): Promise<number> {
    const admin = new pg.Client({ connectionString: this.url });
    await admin.connect();
    try {
      const rows = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND state = 'idle' AND pid <> pg_backend_pid()",
      );
      for (const r of rows.rows) await admin.query('SELECT pg_terminate_backend($1)', [r.pid]);
      return rows.rows.length;
    } finally {
      await admin.end();
    }
  }

  remove() {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private asPostgres(tool: string, args: string[]) {
    execFileSync('runuser', ['-u', 'postgres', '--', `${this.bin}/${tool}`, ...args], { stdio: 'pipe', timeout: 90_000 });
  }
}

function userIds(name: string): { uid: number; gid: number } {
  const line = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split(':');
  return { uid: Number(line[2]), gid: Number(line[3]) };
}
