// Codes name the bot's work across runs: subtasks ST1, ST2… within a story, stories S1, S2…
// within an epic. A kept ST2 stays ST2, and new work continues after the highest code there is.

/** Anything that may carry a code: an existing child, an existing story (each has a title). */
type Coded = { readonly title: string; readonly code?: string | undefined };

/** The two code families: a story's subtasks, an epic's stories. */
export type CodePrefix = "ST" | "S";

/** The highest n of the <prefix><n> codes among the items, 0 when none carries one. */
export function highestCode<T extends Coded>(items: readonly T[], prefix: CodePrefix = "ST"): number {
  const pattern = new RegExp(`^${prefix}(\\d+)$`, "i");
  let highest = 0;
  for (const item of items) {
    const match = item.code ? pattern.exec(item.code.trim()) : null;
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

/** `count` fresh codes after the items' highest: ST3, ST4… when ST2 exists. */
export function nextCodes<T extends Coded>(items: readonly T[], count: number, prefix: CodePrefix = "ST"): string[] {
  const start = highestCode(items, prefix) + 1;
  return Array.from({ length: count }, (_, index) => `${prefix}${start + index}`);
}

/** The number of a code, for ordering (ST10 after ST9). */
export function codeNumber(code: string): number {
  return Number(code.replace(/^[A-Z]+/i, "")) || 0;
}
