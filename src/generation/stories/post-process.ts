// From Claude's stories answer to the stories the tracker gets: tidy titles, one story per need
// (none repeating a story the epic has), criteria within bounds, sizes on the team's scale,
// fresh codes S<n>, and dependencies by code. Pure.
import { nextCodes } from "../codes.ts";
import { duplicateKey, normaliseTitle } from "../title.ts";
import type { CountRange } from "../types.ts";
import type { StoriesAnswer } from "./answer-schema.ts";
import type { ExistingStory, GeneratedStory } from "./types.ts";

export const MIN_CRITERIA = 2;
export const MAX_CRITERIA = 6;

export interface DroppedStory {
  readonly title: string;
  readonly reason: "duplicate_of_existing" | "duplicate_in_answer" | "over_maximum";
}

export interface StoriesProcessed {
  readonly stories: GeneratedStory[];
  readonly dropped: DroppedStory[];
  /** What the answer got wrong, fed back on the retry; empty when it is usable. */
  readonly issues: string[];
}

export interface StoriesInput {
  readonly answer: StoriesAnswer;
  readonly existingStories: readonly ExistingStory[];
  readonly pointScale: readonly number[] | null;
  readonly count: CountRange;
}

/** The value of the scale nearest to `points` (the smaller one on a tie); null without a scale. */
export function onScale(points: number | null, scale: readonly number[] | null): number | null {
  if (points === null || scale === null || scale.length === 0 || !Number.isFinite(points)) return null;
  return scale.reduce((best, value) => (Math.abs(value - points) < Math.abs(best - points) ? value : best), scale[0]!);
}

export function postProcessStories(input: StoriesInput): StoriesProcessed {
  const { answer, existingStories, pointScale, count } = input;
  const issues: string[] = [];
  const raw = answer.stories;

  const tidied = raw.map((story, index) => {
    const at = `stories.${index}`;
    const title = normaliseTitle(story.title);
    if (title === "") issues.push(`${at}.title: empty once list markers and punctuation are removed`);
    const criteria = [...new Set(story.acceptanceCriteria.map((criterion) => criterion.replace(/\s+/g, " ").trim()).filter(Boolean))];
    if (criteria.length < MIN_CRITERIA || criteria.length > MAX_CRITERIA) {
      issues.push(`${at}.acceptanceCriteria: ${criteria.length} distinct criteria; give between ${MIN_CRITERIA} and ${MAX_CRITERIA} testable ones`);
    }
    for (const number of story.dependsOn) {
      if (number > raw.length) issues.push(`${at}.dependsOn: there is no story ${number}; the answer has ${raw.length}`);
      else if (number > index) issues.push(`${at}.dependsOn: ${number} is not an earlier story (this is story ${index + 1}); list stories in the order they are built`);
    }
    return { ...story, title, criteria, points: onScale(story.points, pointScale) };
  });

  const existingKeys = new Set(existingStories.map((story) => duplicateKey(story.title)));
  const kept: number[] = [];
  const firstByKey = new Map<string, number>();
  const survivorOf = new Map<number, number>();
  const dropped: DroppedStory[] = [];
  tidied.forEach((story, index) => {
    const key = duplicateKey(story.title);
    if (key === "") return;
    if (existingKeys.has(key)) {
      dropped.push({ title: story.title, reason: "duplicate_of_existing" });
      return;
    }
    const first = firstByKey.get(key);
    if (first !== undefined) {
      dropped.push({ title: story.title, reason: "duplicate_in_answer" });
      survivorOf.set(index, first);
      return;
    }
    firstByKey.set(key, index);
    kept.push(index);
  });
  for (const index of kept.slice(count.max)) dropped.push({ title: tidied[index]!.title, reason: "over_maximum" });
  const chosen = kept.slice(0, count.max);
  if (chosen.length < count.min) {
    issues.push(`stories: ${chosen.length} distinct new stories remain; give between ${count.min} and ${count.max} that do not repeat the epic's existing stories`);
  }

  const codes = nextCodes(existingStories, chosen.length, "S");
  const codeOf = new Map<number, string>(chosen.map((index, position) => [index, codes[position]!]));
  for (const [index, survivor] of survivorOf) {
    const code = codeOf.get(survivor);
    if (code) codeOf.set(index, code);
  }
  const stories = chosen.map((index, position): GeneratedStory => {
    const story = tidied[index]!;
    const code = codes[position]!;
    const dependsOn = story.dependsOn
      .filter((number) => number <= index)
      .map((number) => codeOf.get(number - 1))
      .filter((dependency): dependency is string => dependency !== undefined && dependency !== code);
    return {
      code,
      title: story.title,
      description: story.description.trim(),
      acceptanceCriteria: story.criteria,
      points: story.points,
      dependsOn: [...new Set(dependsOn)],
    };
  });
  return { stories, dropped, issues };
}
