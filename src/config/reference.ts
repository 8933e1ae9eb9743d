import { variableNames, variables, type VariableName } from "./variables.ts";

// Variables documented together on one row, as operators read them.
const rows: VariableName[][] = [
  ["DATABASE_URL"],
  ["PORT"],
  ["LOG_LEVEL"],
  ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"],
  ["SLACK_APP_TOKEN"],
  ["SLACK_API_URL"],
  ["SLACK_DEFAULT_CHANNEL"],
  ["LINEAR_API_KEY"],
  ["LINEAR_WEBHOOK_SECRET"],
  ["LINEAR_API_URL"],
  ["JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_API_TOKEN"],
  ["JIRA_WEBHOOK_SECRET"],
  ["ANTHROPIC_API_KEY"],
  ["ANTHROPIC_BASE_URL"],
  ["ANTHROPIC_MODEL"],
  ["TRIGGER_LABEL"],
  ["DONE_LABEL"],
  ["FAILED_LABEL"],
  ["DEFAULT_TRACKER"],
  ["RUN_CONCURRENCY"],
  ["EPIC_STORY_LIMIT"],
];

const cell = (value: string) => value.replaceAll("|", "\\|");

/** The README's configuration table, rendered from the variable specs. */
export function renderConfigTable(): string {
  const grouped = new Set(rows.flat());
  const missing = variableNames.filter((name) => !grouped.has(name));
  if (missing.length > 0) throw new Error(`config reference has no row for ${missing.join(", ")}`);
  const lines = ["| variable | meaning | default |", "|---|---|---|"];
  for (const names of rows) {
    const first = variables[names[0]!];
    const meaning = names.length > 1 ? names.map((n) => variables[n].meaning).join("; ") : first.meaning;
    lines.push(`| ${names.join(", ")} | ${cell(meaning)} | ${cell(first.defaultText)} |`);
  }
  return lines.join("\n");
}
