// `subtasks settings show [SCOPE]` and `subtasks settings set SCOPE [options]`: the grammar.
// A scope is a Linear team or Jira project key (ENG, linear:ENG, jira:PROJ) or "default" for
// the workspace default. Values are checked later by settings/team-settings.ts, like Slack's.
import type { SettingsEdit } from "../settings/team-settings.ts";
import { UsageError } from "./usage-error.ts";

export type SettingsCommand =
  | { readonly kind: "settings-show"; readonly scope?: string }
  | { readonly kind: "settings-set"; readonly scope: string; readonly edit: SettingsEdit; readonly guidanceFile?: string };

export const SETTINGS_USAGE = `  settings show [SCOPE]   a team's settings (or every scope's); SCOPE: ENG, linear:ENG, jira:PROJ or default
  settings set SCOPE [--guidance TEXT | --guidance-file FILE] [--count adaptive|3-6] [--effort-scale tshirt|hours]
                     [--language NAME] [--review on|off] [--labels a,b]
      Change a team's conventions; an empty value ("") clears one, so it falls back on the default.`;

const flags = ["--guidance", "--guidance-file", "--count", "--effort-scale", "--language", "--review", "--labels"] as const;
type Flag = (typeof flags)[number];

export function parseSettingsArgs(args: readonly string[]): SettingsCommand {
  const [verb, ...rest] = args;
  if (verb === "show") {
    if (rest.length > 1 || rest.some((arg) => arg.startsWith("-"))) throw new UsageError("settings show takes at most one scope: subtasks settings show [ENG]");
    return rest[0] === undefined ? { kind: "settings-show" } : { kind: "settings-show", scope: rest[0] };
  }
  if (verb !== "set") throw new UsageError('settings needs "show" or "set": subtasks settings show [ENG]');
  const [scope, ...options] = rest;
  if (!scope || scope.startsWith("-")) throw new UsageError("settings set needs a scope first: subtasks settings set ENG --review on");
  const values = new Map<Flag, string>();
  for (let i = 0; i < options.length; i++) {
    const arg = options[i]!;
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!(flags as readonly string[]).includes(name)) throw new UsageError(`unknown option ${arg} (settings set takes ${flags.join(", ")})`);
    const value = inline ?? options[++i];
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    values.set(name as Flag, value);
  }
  if (values.size === 0) throw new UsageError("settings set changes nothing without an option, e.g. --review on");
  if (values.has("--guidance") && values.has("--guidance-file")) throw new UsageError("give --guidance or --guidance-file, not both");
  const review = values.get("--review");
  if (review !== undefined && !["on", "off", ""].includes(review)) throw new UsageError('--review takes on, off or "" (fall back on the default)');
  const edit: SettingsEdit = {
    ...(values.has("--guidance") ? { guidance: values.get("--guidance")! } : {}),
    ...(values.has("--count") ? { count: values.get("--count")! } : {}),
    ...(values.has("--effort-scale") ? { effortScale: values.get("--effort-scale") as SettingsEdit["effortScale"] } : {}),
    ...(values.has("--language") ? { language: values.get("--language")! } : {}),
    ...(review === undefined ? {} : { reviewByDefault: review === "" ? null : review === "on" }),
    ...(values.has("--labels")
      ? { extraLabels: values.get("--labels")!.split(",").map((label) => label.trim()).filter(Boolean) }
      : {}),
  };
  const guidanceFile = values.get("--guidance-file");
  return { kind: "settings-set", scope, edit, ...(guidanceFile ? { guidanceFile } : {}) };
}
