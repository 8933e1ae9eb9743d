import { trackerEntries } from "../trackers/registry.ts";
import { variableNames, variables, type VariableName } from "./variables.ts";

const TRACKERS = "trackers";

// Variables documented together on one row, as operators read them; each tracker's rows
// (declared in its registry entry) stand where TRACKERS does.
const coreRows: (VariableName[] | typeof TRACKERS)[] = [
  ["DATABASE_URL"],
  ["PUBLIC_URL"],
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
  ["STORIES_LABEL"],
  ["DONE_LABEL"],
  ["FAILED_LABEL"],
  ["DEFAULT_TRACKER"],
  ["RUN_CONCURRENCY"],
  ["MODEL_CONCURRENCY"],
  ["TRACKER_CONCURRENCY"],
  ["EPIC_STORY_LIMIT"],
  ["SETTINGS_EDITORS"],
  ["TOKEN_ENCRYPTION_KEY"],
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

/** Variables outside the bot's own configuration that docker-compose.yml reads from `.env`. */
export const composeVariables = [
  { name: "POSTGRES_PASSWORD", meaning: "docker compose only: the password of the compose file's PostgreSQL (the bot's DATABASE_URL is built from it)" },
  { name: "BOT_PORT", meaning: "docker compose only: the host port the bot is published on (default 3000)" },
] as const;

/**
 * `.env.example`: every variable, commented with its meaning and default, unset (an empty
 * value counts as unset). Rendered like the README table (npm run docs:config).
 */
export function renderEnvExample(): string {
  const lines = [
    "# subtasks-bot configuration: copy to .env and fill in what you use. An empty value counts as unset.",
    "# Generated from src/config/variables.ts by `npm run docs:config`; a test keeps the two in step.",
  ];
  for (const names of rows) {
    lines.push("");
    for (const name of names) {
      const spec = variables[name];
      lines.push(`# ${spec.meaning}. Default: ${spec.defaultText}.`, `${name}=`);
    }
  }
  for (const variable of composeVariables) lines.push("", `# ${variable.meaning}.`, `${variable.name}=`);
  return `${lines.join("\n")}\n`;
}
