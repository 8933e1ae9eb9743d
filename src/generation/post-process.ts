// From Claude's answer to the subtasks the tracker gets: tidy titles, one subtask per piece of
// work (none repeating an existing child), within the count bounds, effort on the asked scale,
// fresh codes, and dependencies and criteria by name rather than by position. Pure.

import { TSHIRT_SIZES, normaliseEffort } from "../effort/effort.ts";
import type { Answer } from "./answer-schema.ts";
import { nextCodes } from "./codes.ts";
import type { ResolvedOptions } from "./options.ts";
import { duplicateKey, normaliseTitle } from "./title.ts";
import type { ExistingChild, GeneratedSubtask, Verdict } from "./types.ts";

export interface DroppedSubtask {
  readonly title: string;
  readonly reason: "duplicate_of_existing" | "duplicate_in_answer" | "over_maximum";
}

export interface PostProcessed {
  readonly verdict: Verdict;
  readonly reason: string;
  /** Empty for no_breakdown. */
  readonly subtasks: GeneratedSubtask[];
  readonly dropped: DroppedSubtask[];
  /** What the answer got wrong, fed back to Claude on the retry; empty when it is usable. */
  readonly issues: string[];
}

export interface PostProcessInput {
  readonly answer: Answer;
  readonly existingChildren: readonly ExistingChild[];
  /** The story's criteria; the answer refers to them by number (1 is the first). */
  readonly acceptanceCriteria: readonly string[];
  readonly options: ResolvedOptions;
}

export function postProcess(input: PostProcessInput): PostProcessed {
  const { answer, options } = input;
  const reason = answer.reason.replace(/\s+/g, " ").trim();
  if (answer.verdict === "no_breakdown") {
    // A range a person or team set is a request for subtasks; only an adaptive count may end in none.
    if (!options.adaptive) {
      const { min, max } = options.count;
      const asked = min === max ? `exactly ${min}` : `between ${min} and ${max}`;
      return { verdict: "no_breakdown", reason, subtasks: [], dropped: [], issues: [`verdict: no_breakdown is not allowed here; the settings ask for ${asked} subtasks, so answer with a breakdown`] };
    }
    return { verdict: "no_breakdown", reason, subtasks: [], dropped: [], issues: [] };
  }
  return { verdict: "breakdown", reason, ...breakdownOf(input) };
}

function breakdownOf(input: PostProcessInput): Pick<PostProcessed, "subtasks" | "dropped" | "issues"> {
  const { answer, existingChildren, acceptanceCriteria, options } = input;
  const issues: string[] = [];
  const raw = answer.subtasks;

  const tidied = raw.map((subtask, index) => {
    const at = `subtasks.${index}`;
    const title = normaliseTitle(subtask.title);
    if (title === "") issues.push(`${at}.title: empty once list markers and punctuation are removed`);
    const effort = normaliseEffort(subtask.effort, options.effortScale);
    if (effort === null) {
      const expected = options.effortScale === "hours" ? 'hours such as "4h"' : `one of ${TSHIRT_SIZES.join(", ")}`;
      issues.push(`${at}.effort: "${subtask.effort}" is not an effort; expected ${expected}`);
    }
    for (const number of subtask.acceptanceCriteria) {
      if (number > acceptanceCriteria.length) {
        const have = acceptanceCriteria.length === 0 ? "the story lists none, so use []" : `the story has AC1 to AC${acceptanceCriteria.length}`;
        issues.push(`${at}.acceptanceCriteria: AC${number} does not exist; ${have}`);
      }
    }
    for (const number of subtask.dependsOn) {
      if (number > raw.length) issues.push(`${at}.dependsOn: there is no subtask ${number}; the answer has ${raw.length}`);
      else if (number > index) {
        issues.push(`${at}.dependsOn: ${number} is not an earlier subtask (this is subtask ${index + 1}); list subtasks in the order they are done`);
      }
    }
    return { ...subtask, title, effort: effort ?? subtask.effort.trim() };
  });

  // Keep the first of each piece of work; a later repeat points at the one kept.
  const existingKeys = new Set(existingChildren.map((child) => duplicateKey(child.title)));
  const keptIndexes: number[] = [];
  const survivorOf = new Map<number, number>();
  const firstByKey = new Map<string, number>();
  const dropped: DroppedSubtask[] = [];
  tidied.forEach((subtask, index) => {
    const key = duplicateKey(subtask.title);
    if (key === "") return;
    if (existingKeys.has(key)) {
      dropped.push({ title: subtask.title, reason: "duplicate_of_existing" });
      return;
    }
    const first = firstByKey.get(key);
    if (first !== undefined) {
      dropped.push({ title: subtask.title, reason: "duplicate_in_answer" });
      survivorOf.set(index, first);
      return;
    }
    firstByKey.set(key, index);
    keptIndexes.push(index);
  });

  for (const index of keptIndexes.slice(options.count.max)) {
    dropped.push({ title: tidied[index]!.title, reason: "over_maximum" });
  }
  const kept = keptIndexes.slice(0, options.count.max);

  if (kept.length < options.count.min) {
    const removed = raw.length > kept.length ? ` (${raw.length} given, ${raw.length - kept.length} repeated existing subtasks or each other)` : "";
    const orNone = options.adaptive ? ", or answer no_breakdown if the story is one developer-day or less as it is" : "";
    issues.push(
      `subtasks: ${kept.length} distinct new subtask(s) remain${removed}; give between ${options.count.min} and ${options.count.max} that do not repeat the existing subtasks${orNone}`,
    );
  }

  const codes = nextCodes(existingChildren, kept.length);
  const codeOf = new Map<number, string>(kept.map((index, position) => [index, codes[position]!]));
  for (const [index, survivor] of survivorOf) {
    const code = codeOf.get(survivor);
    if (code) codeOf.set(index, code);
  }

  const subtasks = kept.map((index, position): GeneratedSubtask => {
    const subtask = tidied[index]!;
    const code = codes[position]!;
    const dependsOn = subtask.dependsOn
      .filter((number) => number <= index)
      .map((number) => codeOf.get(number - 1))
      .filter((dependency): dependency is string => dependency !== undefined && dependency !== code);
    const criteria = subtask.acceptanceCriteria
      .filter((number) => number <= acceptanceCriteria.length)
      .map((number) => acceptanceCriteria[number - 1]!);
    return {
      code,
      title: subtask.title,
      description: subtask.description.trim(),
      effort: subtask.effort,
      acceptanceCriteria: [...new Set(criteria)],
      dependsOn: [...new Set(dependsOn)],
    };
  });

  return { subtasks, dropped, issues };
}
