// Subtask codes (ST1, ST2…) name the bot's subtasks across runs, so a kept ST2 stays ST2 and new
// work continues after the highest code the story already carries.

import type { ExistingChild } from "./types.ts";

const CODE = /^ST(\d+)$/i;

/** The highest n of the ST<n> codes among the children, 0 when none carries one. */
export function highestCode(children: readonly ExistingChild[]): number {
  let highest = 0;
  for (const child of children) {
    const match = child.code ? CODE.exec(child.code.trim()) : null;
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

/** `count` fresh codes after the children's highest: ST3, ST4… when ST2 exists. */
export function nextCodes(children: readonly ExistingChild[], count: number): string[] {
  const start = highestCode(children) + 1;
  return Array.from({ length: count }, (_, index) => `ST${start + index}`);
}
