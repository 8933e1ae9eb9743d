// A subtask's effort as the generation engine gives it: a T-shirt size (XS S M L XL) or a
// duration such as "4h", "1.5h", "30m" or "2d". Adapters turn it into what their tracker takes.

export const TSHIRT_SIZES = ["XS", "S", "M", "L", "XL"] as const;
export type TshirtSize = (typeof TSHIRT_SIZES)[number];

/** Hours a size stands for: XS = 1h, S = 2h, M = 4h, L = 1 day, XL = 2 days (8-hour days). */
const sizeHours: Record<TshirtSize, number> = { XS: 1, S: 2, M: 4, L: 8, XL: 16 };

export interface Effort {
  readonly size: TshirtSize;
  readonly hours: number;
  /** How the effort was written: a size, or a duration in hours, minutes or days. */
  readonly given: "size" | "hours" | "minutes" | "days";
}

const HOURS_PER_DAY = 8;

/** Null when there is no effort or it cannot be read (then the estimate is left unset). */
export function parseEffort(effort: string | null | undefined): Effort | null {
  const text = effort?.trim().toUpperCase();
  if (!text) return null;
  const size = TSHIRT_SIZES.find((candidate) => candidate === text);
  if (size) return { size, hours: sizeHours[size], given: "size" };

  const duration = /^(\d+(?:\.\d+)?)\s*(H|HR|HRS|HOURS?|M|MIN|MINS|MINUTES?|D|DAYS?)$/.exec(text);
  if (!duration?.[1] || !duration[2]) return null;
  const amount = Number(duration[1]);
  const unit = duration[2][0];
  const given = unit === "D" ? "days" : unit === "M" ? "minutes" : "hours";
  const hours = given === "days" ? amount * HOURS_PER_DAY : given === "minutes" ? amount / 60 : amount;
  if (!(hours > 0)) return null;
  return { size: nearestSize(hours), hours, given };
}

/** The size whose hours are nearest on a log scale: 3h is nearer M (4h) than S (2h), 6h nearer L. */
function nearestSize(hours: number): TshirtSize {
  let best: TshirtSize = "XS";
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const size of TSHIRT_SIZES) {
    const distance = Math.abs(Math.log(hours / sizeHours[size]));
    if (distance < bestDistance) {
      best = size;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Jira's duration syntax ("1h 30m", "1d"): XS = 1h, S = 2h, M = 4h, L = 1d, XL = 2d, durations as
 * given (fractions written out as hours and minutes, which every Jira time-tracking setup reads).
 */
export function jiraDuration(effort: Effort): string {
  const wholeDays = effort.hours % HOURS_PER_DAY === 0;
  if (wholeDays && (effort.given === "size" || effort.given === "days")) return `${effort.hours / HOURS_PER_DAY}d`;
  const totalMinutes = Math.max(1, Math.round(effort.hours * 60));
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return [hours > 0 ? `${hours}h` : "", minutes > 0 ? `${minutes}m` : ""].filter(Boolean).join(" ");
}

export function sizeIndex(size: TshirtSize): number {
  return TSHIRT_SIZES.indexOf(size);
}
