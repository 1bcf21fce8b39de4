// Installs packages/client-python into a fresh virtual environment, as a user would with
// `pip install ./packages/client-python`: offline (--no-index), with the interpreter's own
// setuptools and requests (--system-site-packages, --no-build-isolation).
import { execFile, spawnSync } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PYTHON_CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** pip reads no config file or PIP_* variable of the machine: nothing but the package's own files is installed. */
const ISOLATED_PIP_ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PIP_'))),
  PIP_CONFIG_FILE: '/dev/null',
  PIP_DISABLE_PIP_VERSION_CHECK: '1',
};

const NEEDED = 'import requests, setuptools, venv, pip\ntry:\n  import wheel\nexcept ImportError:\n  import setuptools.command.bdist_wheel';

/**
 * The first interpreter that can build and install the package offline: requests, setuptools
 * with a wheel builder, venv and pip. scripts/setup.sh --test installs them for Debian's python3.
 */
export function pythonWithBuildTools(): string {
  const tried: string[] = [];
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(candidate, ['-c', NEEDED], { encoding: 'utf8' });
    if (!probe.error && probe.status === 0) return candidate;
    tried.push(`${candidate}: ${probe.error?.message ?? probe.stderr.trim().split('\n').pop()}`);
  }
  throw new Error(`no python3 with requests, setuptools, wheel, venv and pip (Debian: bash scripts/setup.sh --test):\n${tried.join('\n')}`);
}

export interface PythonEnv {
  /** The venv's interpreter, with tandem_client installed. */
  python: string;
  dir: string;
}

/** A fresh venv under `parent` (default: a new temp folder) with the package installed from a copy of its folder. */
export async function installPythonClient(parent?: string): Promise<PythonEnv> {
  const dir = parent ?? (await mkdtemp(path.join(tmpdir(), 'tandem-py-')));
  // A copy, so concurrent installs never share setuptools' build/ and egg-info folders in the repository.
  const source = path.join(dir, 'client-python');
  await cp(PYTHON_CLIENT_DIR, source, { recursive: true, filter: (f) => !/(\/build|\.egg-info|__pycache__|\/test)$/.test(f) });
  const venv = path.join(dir, 'venv');
  await run(pythonWithBuildTools(), ['-m', 'venv', '--system-site-packages', '--without-pip', venv], { timeout: 120_000 });
  const python = path.join(venv, 'bin', 'python');
  await run(python, ['-m', 'pip', 'install', '--no-index', '--no-build-isolation', '--quiet', source], { env: ISOLATED_PIP_ENV, timeout: 300_000 });
  return { python, dir };
}
