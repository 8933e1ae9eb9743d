// A subtask's effort, in one place: the T-shirt sizes, the hours each stands for, the one rule
// from hours back to a size, and the reading of effort text. The prompt tells the model this
// table (generation/effort-wording.ts) and the trackers turn it into their estimates
// (trackers/jira/original-estimate.ts, trackers/linear/estimate.ts), so what Claude was told
// is what reaches Jira and Linear. Nothing here knows a tracker, Slack or runs.

export const TSHIRT_SIZES = ["XS", "S", "M", "L", "XL"] as const;
export type TshirtSize = (typeof TSHIRT_SIZES)[number];

/** The scales a team can ask for: T-shirt sizes, or hours such as "4h". */
export const EFFORT_SCALES = ["tshirt", "hours"] as const;
export type EffortScale = (typeof EFFORT_SCALES)[number];

/** A working day; nothing the bot plans is larger ("XL is a full working day"). */
export const HOURS_PER_DAY = 8;

/** The hours each size stands for. */
export const SIZE_HOURS: Readonly<Record<TshirtSize, number>> = { XS: 1, S: 2, M: 4, L: 6, XL: HOURS_PER_DAY };

export interface Effort {
  readonly size: TshirtSize;
  readonly hours: number;
  /** How the effort was written: a size, or a duration in hours, minutes or days. */
  readonly given: "size" | "hours" | "minutes" | "days";
}

/**
 * The size whose hours are nearest on a log scale: estimates err by a factor, not by a fixed
 * number of hours, so 3h is nearer M (4h, ×1.33) than S (2h, ×1.5), and 40h is XL.
 */
export function sizeForHours(hours: number): TshirtSize {
  let best: TshirtSize = TSHIRT_SIZES[0];
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const size of TSHIRT_SIZES) {
    const distance = Math.abs(Math.log(hours / SIZE_HOURS[size]));
    if (distance < bestDistance) {
      best = size;
      bestDistance = distance;
    }
  }
  return best;
}

// Models answer "Medium", "4 h", "half a day" or the other scale now and then; all of it is read.
const SIZE_WORDS: Readonly<Record<string, TshirtSize>> = {
  xs: "XS",
  xsmall: "XS",
  extrasmall: "XS",
  verysmall: "XS",
  tiny: "XS",
  trivial: "XS",
  s: "S",
  small: "S",
  m: "M",
  med: "M",
  medium: "M",
  l: "L",
  large: "L",
  big: "L",
  xl: "XL",
  xlarge: "XL",
  extralarge: "XL",
  verylarge: "XL",
  huge: "XL",
};

const WORD_NUMBERS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
};

type Duration = { readonly hours: number; readonly given: Exclude<Effort["given"], "size"> };

function sizeOf(text: string): TshirtSize | null {
  // "30m" is minutes, not Medium.
  if (/\d/.test(text)) return null;
  return SIZE_WORDS[text.toLowerCase().replace(/[^a-z]/g, "")] ?? null;
}

function durationOf(raw: string): Duration | null {
  const text = raw.toLowerCase().trim().replace(/,/g, ".").replace(/\s+/g, " ");
  if (/^half (a )?day$|^half-day$|^0?\.5 ?d(ays?)?$/.test(text)) return { hours: HOURS_PER_DAY / 2, given: "days" };
  if (/^(a )?(full )?day$|^one day$/.test(text)) return { hours: HOURS_PER_DAY, given: "days" };
  if (/^half (an )?hour$/.test(text)) return { hours: 0.5, given: "minutes" };
  if (/^(an |one )?hour$/.test(text)) return { hours: 1, given: "hours" };

  // A range ("4-6h") counts as its middle.
  const range = /^(\d+(?:\.\d+)?)\s*(?:-|–|to|bis)\s*(\d+(?:\.\d+)?)\s*(.*)$/.exec(text);
  if (range) {
    const unit = range[3] ? ` ${range[3]}` : "";
    const low = durationOf(`${range[1]}${unit}`);
    const high = durationOf(`${range[2]}${unit}`);
    return low === null || high === null ? null : { hours: (low.hours + high.hours) / 2, given: high.given };
  }
  const match = /^(\d+(?:\.\d+)?|[a-z]+)\s*(h|hr|hrs|hours?|std|stunden?|m|min|mins|minutes?|d|days?|tage?)?\.?$/.exec(text);
  if (!match) return null;
  const amount = /^\d/.test(match[1]!) ? Number(match[1]) : WORD_NUMBERS[match[1]!];
  if (amount === undefined || !Number.isFinite(amount) || amount <= 0) return null;
  const unit = match[2] ?? "h";
  if (/^(m|min|mins|minutes?)$/.test(unit)) return { hours: amount / 60, given: "minutes" };
  if (/^(d|days?|tage?)$/.test(unit)) return { hours: amount * HOURS_PER_DAY, given: "days" };
  return { hours: amount, given: "hours" };
}

/** The effort a text states ("M", "Large", "4h", "90 min", "half a day", "3-5h"), or null when it states none. */
export function parseEffort(text: string | null | undefined): Effort | null {
  const trimmed = text?.trim();
  if (!trimmed) return null;
  const size = sizeOf(trimmed);
  if (size) return { size, hours: SIZE_HOURS[size], given: "size" };
  const duration = durationOf(trimmed);
  return duration ? { size: sizeForHours(duration.hours), ...duration } : null;
}

function formatHours(hours: number): string {
  // Half-hour steps, never below half an hour.
  const rounded = Math.max(0.5, Math.round(hours * 2) / 2);
  return `${rounded}h`;
}

/**
 * The effort on the asked scale ("M", or "4h"), or null when the text is no effort at all.
 * A size on the hours scale becomes its hours (SIZE_HOURS) and hours on the T-shirt scale
 * become the nearest size (sizeForHours).
 */
export function normaliseEffort(text: string, scale: EffortScale): string | null {
  const effort = parseEffort(text);
  if (!effort) return null;
  return scale === "tshirt" ? effort.size : formatHours(effort.hours);
}

/** The hours a set of efforts adds up to; efforts that cannot be read count nothing. */
export function totalHours(efforts: readonly (string | null | undefined)[]): number {
  return efforts.reduce((sum, effort) => sum + (parseEffort(effort)?.hours ?? 0), 0);
}
