// The built browser bundles as the server hands them out: read once per build (a file whose size
// or mtime changed is read again), compressed once with brotli and gzip off the event loop, and
// named by a content hash so that a browser that has a bundle asks with If-None-Match and gets a
// 304. The customer's site loads sdk.js on every page view and the console is 350 KB of script:
// sent as they are, every view paid 2.5-3.5x the bytes and a disk read.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export type Encoding = 'br' | 'gzip' | 'identity';

export interface BundleFile {
  /** The representation chosen for the request, its ETag and its content-encoding. */
  body: Buffer;
  etag: string;
  encoding: Encoding;
}

interface Entry {
  mtimeMs: number;
  size: number;
  hash: string;
  bodies: Promise<Record<Encoding, Buffer>>;
}

const entries = new Map<string, Entry>();

async function load(file: string): Promise<Entry> {
  const info = await stat(file);
  const hit = entries.get(file);
  if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit;
  const raw = await readFile(file);
  const bodies = Promise.all([
    brotli(raw, { params: { [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
    gzipAsync(raw, { level: 9 }),
  ]).then(([br, gz]) => ({ br, gzip: gz, identity: raw }));
  const entry: Entry = { mtimeMs: info.mtimeMs, size: info.size, hash: createHash('sha256').update(raw).digest('base64url').slice(0, 22), bodies };
  // A failed compression must not stay cached: the next request tries again.
  bodies.catch(() => entries.get(file) === entry && entries.delete(file));
  entries.set(file, entry);
  return entry;
}

/** The best encoding the request accepts (RFC 9110 12.5.3: a q of 0 refuses one). */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

/** The file in the encoding the request accepts; throws as readFile does when it is missing. */
export async function bundleFile(file: string, acceptEncoding: string | undefined): Promise<BundleFile> {
  const entry = await load(file);
  const encoding = chooseEncoding(acceptEncoding);
  const body = (await entry.bodies)[encoding];
  // One ETag per representation (RFC 9110 8.8.3): the bytes differ with the encoding.
  return { body, encoding, etag: `"${entry.hash}${encoding === 'identity' ? '' : `-${encoding}`}"` };
}

/** Whether an If-None-Match header names this ETag (or is `*`); weak comparison, as for a GET. */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}
