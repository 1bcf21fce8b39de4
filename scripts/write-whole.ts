// Replaces built files whole: each is written beside its target, then renamed over it. Every test
// process rebuilds the browser bundles (SDK, console, e2e pages) while other processes' servers
// serve them, and a page must never load half a file.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface BuiltFile {
  path: string;
  contents: Uint8Array | string;
}

export async function writeWhole(files: readonly BuiltFile[]): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    await writeFile(tmp, file.contents);
    await rename(tmp, file.path);
  }
}
