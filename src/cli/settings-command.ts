// `subtasks settings show|set`: team settings on the command line, for operators and scripts.
// Changes are recorded like Slack's, with the operating-system user as the author.
import { readFile } from "node:fs/promises";
import type { Config } from "../config/config.ts";
import { configuredTrackers } from "../config/config.ts";
import type { SettingsStore, StoredSettings } from "../settings/store.ts";
import {
  changedFields,
  countToText,
  describeScope,
  effectiveSettings,
  settingsEditSchema,
  teamScope,
  WORKSPACE_SCOPE,
  type SettingsEdit,
  type SettingsScope,
  type TeamSettingsValues,
} from "../settings/team-settings.ts";
import { trackerNames } from "../trackers/registry.ts";
import type { TrackerName } from "../trackers/types.ts";
import { EXIT_OK, EXIT_USAGE, type Output } from "./commands.ts";
import { renderTable } from "./table.ts";
import { UsageError } from "./usage-error.ts";

/** "default" or "*" → the workspace default; "linear:ENG"; or "ENG" in the only (or the default) tracker. */
export function resolveScope(text: string, config: Pick<Config, "trackers" | "defaultTracker">): SettingsScope {
  const scope = text.trim();
  if (scope === "*" || scope.toLowerCase() === "default") return WORKSPACE_SCOPE;
  const qualified = /^([a-z]+):([A-Za-z][A-Za-z0-9_]*)$/.exec(scope);
  if (qualified) {
    if (!(trackerNames as readonly string[]).includes(qualified[1]!)) throw new UsageError(`${qualified[1]} is not a tracker: use ${trackerNames.join(" or ")}`);
    return teamScope(qualified[1] as TrackerName, qualified[2]!);
  }
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(scope)) throw new UsageError(`"${scope}" is not a team or project key (such as ENG), nor "default"`);
  const configured = configuredTrackers(config as Config);
  const tracker = config.defaultTracker ?? (configured.length === 1 ? configured[0] : undefined);
  if (!tracker) throw new UsageError(`${scope} could be in ${trackerNames.join(" or ")}: write ${trackerNames.map((name) => `${name}:${scope}`).join(" or ")}`);
  return teamScope(tracker, scope);
}

const text = (value: string | null) => value ?? "-";

function rows(values: TeamSettingsValues): string[][] {
  return [
    ["guidance", values.guidance === null ? "-" : values.guidance.replace(/\s+/g, " ").slice(0, 80) + (values.guidance.length > 80 ? "…" : "")],
    ["count", text(countToText(values.count))],
    ["effort scale", text(values.effortScale)],
    ["language", text(values.language)],
    ["review", values.reviewByDefault === null ? "-" : values.reviewByDefault ? "on" : "off"],
    ["extra labels", values.extraLabels.length === 0 ? "-" : values.extraLabels.join(", ")],
  ];
}

function stamp(settings: StoredSettings): string {
  return settings.updatedAt ? `last changed by ${settings.updatedBy} on ${settings.updatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : "never changed";
}

export async function showSettings(store: SettingsStore, scope: SettingsScope | undefined, output: Output): Promise<number> {
  if (scope === undefined) {
    const all = await store.list();
    if (all.length === 0) {
      output.out("no settings yet: every team runs with the defaults (adaptive count, T-shirt sizes, the story's language, no review)");
      return EXIT_OK;
    }
    for (const settings of all) {
      output.out(`${describeScope(settings.scope)} (${settings.scope}) · ${stamp(settings)}`);
      output.out(renderTable(["setting", "value"], rows(settings.values)));
      output.out("");
    }
    return EXIT_OK;
  }
  const [own, workspace, history] = await Promise.all([store.get(scope), store.get(WORKSPACE_SCOPE), store.history(scope)]);
  const used = scope === WORKSPACE_SCOPE ? own.values : effectiveSettings(workspace.values, own.values, scope);
  output.out(`${describeScope(scope)} (${scope}) · ${stamp(own)}`);
  const ownRows = rows(own.values);
  output.out(
    renderTable(
      scope === WORKSPACE_SCOPE ? ["setting", "value"] : ["setting", "set here", "used"],
      rows(used).map(([name, value], index) => (scope === WORKSPACE_SCOPE ? [name!, value!] : [name!, ownRows[index]![1]!, value!])),
    ),
  );
  if (history.length > 0) {
    output.out("\nchanges:");
    for (const change of history) {
      output.out(`  ${change.changedAt.toISOString().slice(0, 16).replace("T", " ")} UTC  ${change.changedByName ?? change.changedBy} (${change.via}): ${changedFields(change.changes).join(", ")}`);
    }
  }
  return EXIT_OK;
}

export async function setSettings(
  store: SettingsStore,
  scope: SettingsScope,
  edit: SettingsEdit,
  guidanceFile: string | undefined,
  author: string,
  output: Output,
): Promise<number> {
  let full = edit;
  if (guidanceFile) {
    try {
      full = { ...edit, guidance: await readFile(guidanceFile, "utf8") };
    } catch (error) {
      output.err(`subtasks: ${guidanceFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return EXIT_USAGE;
    }
  }
  const parsed = settingsEditSchema.safeParse(full);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) output.err(`subtasks: ${issue.message}`);
    return EXIT_USAGE;
  }
  const { changed } = await store.change(scope, parsed.data, { id: author, name: author, via: "cli" });
  output.out(changed.length === 0 ? `nothing changed for ${describeScope(scope)}` : `saved for ${describeScope(scope)}: ${changed.join(", ")}`);
  return showSettings(store, scope, output);
}
