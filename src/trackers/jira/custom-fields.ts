// Jira sites keep acceptance criteria and story points in custom fields whose ids differ from
// site to site (customfield_10016…). The issue read with `expand=names` maps each field id to its
// display name, which is how they are found here.

import { adfToMarkdown } from "./adf-to-markdown.ts";

export const acceptanceCriteriaName = /^acceptance[\s_-]*criteria\b/i;
// "Story Points" (company-managed), "Story point estimate" (team-managed).
export const storyPointsName = /^story[\s_-]*points?(?:\s+estimate)?$/i;

function fieldIdNamed(names: Readonly<Record<string, string>> | undefined, pattern: RegExp): string[] {
  return Object.entries(names ?? {})
    .filter(([, name]) => pattern.test(name.trim()))
    .map(([id]) => id);
}

/** The items of the acceptance-criteria field, or [] when the site has none or it is empty. */
export function readAcceptanceCriteria(
  fields: Readonly<Record<string, unknown>>,
  names: Readonly<Record<string, string>> | undefined,
): string[] {
  for (const id of fieldIdNamed(names, acceptanceCriteriaName)) {
    const value = fields[id];
    const items = Array.isArray(value)
      ? value.filter((item): item is string => typeof item === "string").map((item) => item.trim())
      : splitCriteria(adfToMarkdown(value));
    if (items.length > 0) return items.filter(Boolean);
  }
  return [];
}

/** One criterion per list item or line; list markers and checkboxes dropped. */
export function splitCriteria(markdown: string): string[] {
  return markdown
    .split("\n")
    .map((line) => line.replace(/^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/, "").trim())
    .filter((line) => line !== "");
}

export function readStoryPoints(
  fields: Readonly<Record<string, unknown>>,
  names: Readonly<Record<string, string>> | undefined,
): number | null {
  for (const id of fieldIdNamed(names, storyPointsName)) {
    const value = fields[id];
    if (typeof value === "number" && Number.isFinite(value)) return value;
  }
  return null;
}
