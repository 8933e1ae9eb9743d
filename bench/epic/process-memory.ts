// A child process's peak resident memory, as the kernel keeps it (VmHWM in /proc/<pid>/status):
// read before the process is stopped, it is the most it ever held, with no sampling to miss a peak.
import { readFileSync } from "node:fs";

/** Peak RSS in bytes, or null when the process is gone or /proc is not there (not Linux). */
export function peakRssBytes(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * What a bot says of its memory on /metrics (prom-client's default metrics): the JS heap in use
 * next to the resident size, so a high peak RSS can be told apart from a heap that keeps growing.
 */
export async function heapUsedBytes(botUrl: string): Promise<number | null> {
  try {
    const response = await fetch(`${botUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const match = /^nodejs_heap_size_used_bytes\s+([\d.e+]+)$/m.exec(await response.text());
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
