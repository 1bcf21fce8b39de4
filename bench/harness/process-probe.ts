import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/** CPU time and resident memory of another process, read from /proc (Linux). */
export function readProc(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { cpuSeconds: (utime + stime) / TICKS_PER_SECOND, rssBytes: rssPages * PAGE_BYTES };
}

/** CPU % of one core used by pid over a window. */
export async function cpuPercentOver(pid: number, ms: number): Promise<{ cpuPercent: number; rssBytes: number }> {
  const a = readProc(pid);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, ms));
  const b = readProc(pid);
  return { cpuPercent: ((b.cpuSeconds - a.cpuSeconds) / ((Date.now() - t0) / 1000)) * 100, rssBytes: b.rssBytes };
}

/** CPU seconds (user + system, every thread) pid used over a window, the window's length, and its resident memory at the end. */
export async function cpuOver(pid: number, ms: number): Promise<{ cpuSeconds: number; seconds: number; rssBytes: number }> {
  const a = readProc(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const b = readProc(pid);
  return { cpuSeconds: b.cpuSeconds - a.cpuSeconds, seconds: (performance.now() - t0) / 1000, rssBytes: b.rssBytes };
}
