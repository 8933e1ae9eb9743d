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
