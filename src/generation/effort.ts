// Effort as the team asked for it: a T-shirt size or hours. Models answer "Medium", "4 h",
// "half a day" or use the other scale now and then; all of that maps onto the asked scale.

import { TSHIRT_EFFORTS, type EffortScale, type TshirtEffort } from "./types.ts";

/** The hours each size stands for; the prompt states the same table. */
export const TSHIRT_HOURS: Readonly<Record<TshirtEffort, number>> = { XS: 1, S: 2, M: 4, L: 6, XL: 8 };

const TSHIRT_WORDS: Readonly<Record<string, TshirtEffort>> = {
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

/** A working day, for answers given in days. */
const HOURS_PER_DAY = 8;

function tshirtOf(raw: string): TshirtEffort | null {
  // "30m" is minutes, not Medium.
  if (/\d/.test(raw)) return null;
  const key = raw.toLowerCase().replace(/[^a-z]/g, "");
  return TSHIRT_WORDS[key] ?? null;
}

function hoursOf(raw: string): number | null {
  const text = raw.toLowerCase().trim().replace(/,/g, ".").replace(/\s+/g, " ");
  if (/^half (a )?day$|^half-day$|^0?\.5 ?d(ays?)?$/.test(text)) return HOURS_PER_DAY / 2;
  if (/^(a )?(full )?day$|^one day$/.test(text)) return HOURS_PER_DAY;
  if (/^half (an )?hour$/.test(text)) return 0.5;
  if (/^(an |one )?hour$/.test(text)) return 1;

  // A range ("4-6h") counts as its middle.
  const range = /^(\d+(?:\.\d+)?)\s*(?:-|–|to|bis)\s*(\d+(?:\.\d+)?)\s*(.*)$/.exec(text);
  if (range) {
    const high = hoursOf(`${range[2]}${range[3] ? ` ${range[3]}` : ""}`);
    const low = hoursOf(`${range[1]}${range[3] ? ` ${range[3]}` : ""}`);
    return high === null || low === null ? null : (low + high) / 2;
  }
  const match = /^(\d+(?:\.\d+)?|[a-z]+)\s*(h|hr|hrs|hours?|std|stunden?|m|min|mins|minutes?|d|days?|tage?)?\.?$/.exec(text);
  if (!match) return null;
  const amount = /^\d/.test(match[1]!) ? Number(match[1]) : WORD_NUMBERS[match[1]!];
  if (amount === undefined || !Number.isFinite(amount) || amount <= 0) return null;
  const unit = match[2] ?? "h";
  if (/^(m|min|mins|minutes?)$/.test(unit)) return amount / 60;
  if (/^(d|days?|tage?)$/.test(unit)) return amount * HOURS_PER_DAY;
  return amount;
}

function sizeForHours(hours: number): TshirtEffort {
  if (hours <= 1.5) return "XS";
  if (hours <= 3) return "S";
  if (hours <= 5) return "M";
  if (hours <= 7) return "L";
  return "XL";
}

function formatHours(hours: number): string {
  // Half-hour steps, never below half an hour.
  const rounded = Math.max(0.5, Math.round(hours * 2) / 2);
  return `${rounded}h`;
}

/**
 * The effort on the asked scale ("M", or "4h"), or null when the text is no effort at all.
 * A T-shirt size on the hours scale becomes its hours (TSHIRT_HOURS) and hours on the
 * T-shirt scale become the nearest size.
 */
export function normaliseEffort(raw: string, scale: EffortScale): string | null {
  const text = raw.trim();
  if (text === "") return null;
  const size = tshirtOf(text);
  const hours = size === null ? hoursOf(text) : null;
  if (scale === "tshirt") {
    if (size) return size;
    return hours === null ? null : sizeForHours(hours);
  }
  if (hours !== null) return formatHours(hours);
  return size ? formatHours(TSHIRT_HOURS[size]) : null;
}

/** How the prompt describes the asked scale. */
export function describeEffortScale(scale: EffortScale): string {
  if (scale === "hours") {
    return 'hours, written like "2h" or "0.5h" (half-hour steps, at most 8h: one working day)';
  }
  const table = TSHIRT_EFFORTS.map((size) => `${size} ≈ ${TSHIRT_HOURS[size]}h`).join(", ");
  return `T-shirt sizes, exactly one of ${TSHIRT_EFFORTS.join(", ")} (${table}; XL is a full working day)`;
}
