// The markdown of a story the bot makes, where its acceptance criteria live in the description
// (Linear, and Jira projects without an "Acceptance Criteria" field). The heading is one the
// bot's own reader recognises (generation/acceptance-criteria.ts), so a story read back gives
// the same criteria: test/unit/trackers/story-description.test.ts holds it to that.

export const ACCEPTANCE_CRITERIA_HEADING = "## Acceptance criteria";

/** The criteria as a markdown section: the heading and one bullet each. Empty when there are none. */
export function acceptanceCriteriaSection(criteria: readonly string[]): string {
  const items = criteria.map((criterion) => criterion.replace(/\s+/g, " ").trim()).filter((criterion) => criterion !== "");
  if (items.length === 0) return "";
  return [ACCEPTANCE_CRITERIA_HEADING, "", ...items.map((item) => `- ${item}`)].join("\n");
}

/** The description followed by its criteria section. */
export function withAcceptanceCriteria(description: string, criteria: readonly string[]): string {
  const section = acceptanceCriteriaSection(criteria);
  const body = description.trimEnd();
  if (section === "") return body;
  return body === "" ? section : `${body}\n\n${section}`;
}
