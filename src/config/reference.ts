import { trackerEntries } from "../trackers/registry.ts";
import { variableNames, variables, type VariableName } from "./variables.ts";

const TRACKERS = "trackers";

// Variables documented together on one row, as operators read them; each tracker's rows
// (declared in its registry entry) stand where TRACKERS does.
const coreRows: (VariableName[] | typeof TRACKERS)[] = [
  ["DATABASE_URL"],
  ["PORT"],
  ["LOG_LEVEL"],
  ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"],
  ["SLACK_APP_TOKEN"],
  ["SLACK_API_URL"],
  ["SLACK_DEFAULT_CHANNEL"],
  TRACKERS,
  ["ANTHROPIC_API_KEY"],
  ["ANTHROPIC_BASE_URL"],
  ["ANTHROPIC_MODEL"],
  ["ANTHROPIC_EFFORT"],
  ["TRIGGER_LABEL"],
  ["DONE_LABEL"],
  ["FAILED_LABEL"],
  ["DEFAULT_TRACKER"],
  ["RUN_CONCURRENCY"],
  ["EPIC_STORY_LIMIT"],
  ["SETTINGS_EDITORS"],
  ["ACCESS_POLICY"],
  ["REQUIRE_LINKED_IDENTITY"],
  ["TOKEN_BUDGET_DAILY"],
  ["USD_BUDGET_MONTHLY"],
  ["RUNS_PER_USER_HOURLY"],
];

const rows: VariableName[][] = coreRows.flatMap((row) =>
  row === TRACKERS ? trackerEntries.flatMap((entry) => entry.docRows.map((names) => [...names] as VariableName[])) : [row],
);

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
