// How numbers, durations and progress read in Slack messages.
import { HOURS_PER_DAY } from "../../effort/effort.ts";

const FILLED = "▰";
const EMPTY = "▱";
/** Wider bars stop being readable on a phone. */
export const PROGRESS_BAR_WIDTH = 10;

/** `▰▰▰▱▱ 3/5`: one segment per story up to ten, then tenths. */
export function progressBar(finished: number, total: number): string {
  if (total <= 0) return `${EMPTY.repeat(5)} 0/0`;
  const width = Math.min(total, PROGRESS_BAR_WIDTH);
  const filled = filledSegments(finished, total);
  return `${FILLED.repeat(filled)}${EMPTY.repeat(width - filled)} ${Math.min(finished, total)}/${total}`;
}

/** Segments of the bar that are filled; it changes at most PROGRESS_BAR_WIDTH times in a run. */
export function filledSegments(finished: number, total: number): number {
  if (total <= 0) return 0;
  const width = Math.min(total, PROGRESS_BAR_WIDTH);
  return Math.floor((Math.min(Math.max(finished, 0), total) / total) * width);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** Estimated cost: cents are too coarse for one story, so small amounts keep four decimals. */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return "–";
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? "–" : n.toLocaleString("en-US");
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** How much work hours add up to, as a person says it: "about 6 hours", "about 3.5 days" (8-hour days, half-day steps). */
export function formatWorkTotal(hours: number): string {
  if (hours <= 0) return "";
  if (hours < HOURS_PER_DAY) return `about ${Math.round(hours * 2) / 2} hours`.replace("about 1 hours", "about 1 hour");
  const days = Math.round((hours / HOURS_PER_DAY) * 2) / 2;
  return `about ${days} day${days === 1 ? "" : "s"}`;
}
