// The Settings modal of App Home: pick a Linear team, a Jira project or the workspace default,
// see and change its conventions, and see who changed them last. Every value a person types is
// checked by settings/team-settings.ts (the CLI checks the same way).
// https://docs.slack.dev/surfaces/modals
import type { types } from "@slack/bolt";
import { EFFORT_SCALES, type EffortScale } from "../../effort/effort.ts";
import { MAX_GUIDANCE_CHARS } from "../../generation/limits.ts";
import type { SettingsChangeRecord, StoredSettings } from "../../settings/store.ts";
import { changedFields, countToText, describeScope, WORKSPACE_SCOPE, type SettingsEdit, type SettingsScope } from "../../settings/team-settings.ts";
import type { TeamSummary, TrackerName } from "../../trackers/types.ts";
import { trackerRegistry } from "../../trackers/registry.ts";
import { escapeMrkdwn, mentionUser, truncate } from "../mrkdwn.ts";
import { context, divider, section, type Block } from "./message.ts";

export const SETTINGS_CALLBACK_ID = "team_settings";
export const SETTINGS_OPEN_ACTION_ID = "settings_open";
export const SETTINGS_SCOPE_ACTION_ID = "settings_scope";

/** Block ids of the inputs; each input's element has action_id "value". */
export const SETTINGS_FIELDS = {
  scope: "scope",
  guidance: "guidance",
  count: "count",
  effortScale: "effort_scale",
  language: "language",
  reviewByDefault: "review",
  extraLabels: "labels",
} as const;
const VALUE = "value";

/** The teams and projects a person can pick, per tracker, as the trackers list them. */
export interface ScopeChoices {
  readonly teams: readonly { readonly tracker: TrackerName; readonly teams: readonly TeamSummary[] }[];
  /** Trackers whose list could not be read, and why. */
  readonly unavailable: readonly string[];
}

const plain = (text: string, max = 75) => ({ type: "plain_text" as const, text: truncate(text, max) });
const option = (text: string, value: string) => ({ text: plain(text), value });

const EFFORT_NAMES: Record<EffortScale, string> = { tshirt: "T-shirt sizes (XS–XL)", hours: "Hours" };

export function loadingSettingsModal(): types.ModalView {
  return { type: "modal", title: plain("Settings", 24), close: plain("Close", 24), blocks: [section(":hourglass_flowing_sand: Reading the teams and projects…")] };
}

/** What a person who may not change settings sees instead of the form. */
export function settingsRefusedModal(reason: string): types.ModalView {
  return { type: "modal", title: plain("Settings", 24), close: plain("Close", 24), blocks: [section(`:no_entry: ${reason}`)] };
}

function scopeOptions(choices: ScopeChoices) {
  const groups = choices.teams
    .filter((group) => group.teams.length > 0)
    .map((group) => {
      const entry = trackerRegistry[group.tracker];
      return {
        label: plain(`${entry.displayName} ${entry.teamNoun}s`),
        options: group.teams.slice(0, 100).map((team) => option(`${team.key} · ${team.name}`, `${group.tracker}:${team.key}`)),
      };
    });
  return [{ label: plain("Everyone"), options: [option("Workspace default", WORKSPACE_SCOPE)] }, ...groups];
}

function scopeOption(scope: SettingsScope) {
  return option(scope === WORKSPACE_SCOPE ? "Workspace default" : scope.split(":")[1]!, scope);
}

function radio(blockId: string, label: string, choices: readonly { text: string; value: string }[], selected: string): Block {
  const options = choices.map((choice) => option(choice.text, choice.value));
  const initial = options.find((candidate) => candidate.value === selected);
  return {
    type: "input",
    block_id: blockId,
    optional: true,
    label: plain(label),
    element: { type: "radio_buttons", action_id: VALUE, options, ...(initial ? { initial_option: initial } : {}) },
  } as Block;
}

function textInput(blockId: string, label: string, value: string | null, options: { multiline?: boolean; max?: number; placeholder?: string; hint?: string } = {}): Block {
  return {
    type: "input",
    block_id: blockId,
    optional: true,
    label: plain(label),
    ...(options.hint ? { hint: plain(options.hint, 2000) } : {}),
    element: {
      type: "plain_text_input",
      action_id: VALUE,
      multiline: options.multiline ?? false,
      ...(options.max ? { max_length: options.max } : {}),
      ...(value ? { initial_value: value } : {}),
      ...(options.placeholder ? { placeholder: plain(options.placeholder, 150) } : {}),
    },
  } as Block;
}

function changeLine(change: SettingsChangeRecord): string {
  const who = /^[UW][A-Z0-9]{2,}$/.test(change.changedBy) ? mentionUser(change.changedBy) : escapeMrkdwn(change.changedByName ?? change.changedBy);
  const when = change.changedAt.toISOString().slice(0, 16).replace("T", " ");
  return `• ${when} UTC · ${who} (${escapeMrkdwn(change.via)}): ${changedFields(change.changes).join(", ")}`;
}

export function settingsModal(input: { choices: ScopeChoices; current: StoredSettings; history: readonly SettingsChangeRecord[] }): types.ModalView {
  const { current, history, choices } = input;
  const values = current.values;
  const workspace = current.scope === WORKSPACE_SCOPE;
  const inherit = workspace ? "Not set (the bot's default)" : "As the workspace default";
  const blocks: Block[] = [
    {
      type: "input",
      block_id: SETTINGS_FIELDS.scope,
      dispatch_action: true,
      label: plain("Team or project"),
      element: { type: "static_select", action_id: SETTINGS_SCOPE_ACTION_ID, option_groups: scopeOptions(choices), initial_option: scopeOption(current.scope) },
    } as Block,
    context(
      workspace
        ? "The workspace default applies to every team and project that does not set a value of its own."
        : `Settings of ${escapeMrkdwn(describeScope(current.scope))}. Empty fields fall back on the workspace default.`,
    ),
    textInput(SETTINGS_FIELDS.guidance, "Guidance for the model", values.guidance, {
      multiline: true,
      max: MAX_GUIDANCE_CHARS,
      placeholder: "Definition of done, stack, naming…",
      hint: `Sent with every story of this scope, at most ${MAX_GUIDANCE_CHARS.toLocaleString("en-US")} characters.`,
    }),
    textInput(SETTINGS_FIELDS.count, "Subtasks per story", countToText(values.count), { placeholder: "adaptive, or a range such as 3-6", hint: "adaptive: 2 to 8 as the story calls for, or none for a small story." }),
    radio(SETTINGS_FIELDS.effortScale, "Effort scale", [{ text: inherit, value: "" }, ...EFFORT_SCALES.map((scale) => ({ text: EFFORT_NAMES[scale], value: scale }))], values.effortScale ?? ""),
    textInput(SETTINGS_FIELDS.language, "Output language", values.language, { placeholder: "e.g. German; empty: the story's language" }),
    radio(
      SETTINGS_FIELDS.reviewByDefault,
      "Review before creating",
      [
        { text: inherit, value: "" },
        { text: "On: wait for Create in the thread", value: "on" },
        { text: "Off: create at once", value: "off" },
      ],
      values.reviewByDefault === null ? "" : values.reviewByDefault ? "on" : "off",
    ),
    textInput(SETTINGS_FIELDS.extraLabels, "Extra labels for sub-issues", values.extraLabels.join(", "), { placeholder: "e.g. backend, from-bot (comma-separated)" }),
  ];
  if (choices.unavailable.length > 0) blocks.push(context(`:warning: ${choices.unavailable.map(escapeMrkdwn).join(" · ")}`));
  blocks.push(divider);
  blocks.push(
    context(
      history.length === 0
        ? "Never changed."
        : `*Changes*\n${history.map(changeLine).join("\n")}`,
    ),
  );
  return {
    type: "modal",
    callback_id: SETTINGS_CALLBACK_ID,
    private_metadata: current.scope,
    title: plain("Settings", 24),
    submit: plain("Save", 24),
    close: plain("Cancel", 24),
    blocks,
  };
}

export function settingsSavedModal(scope: SettingsScope, changed: readonly string[]): types.ModalView {
  const text = changed.length === 0 ? `Nothing changed for ${describeScope(scope)}.` : `:white_check_mark: Saved for ${describeScope(scope)}: ${changed.join(", ")}. The next runs use it.`;
  return { type: "modal", title: plain("Settings", 24), close: plain("Done", 24), blocks: [section(escapeMrkdwn(text))] };
}

type StateValues = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>;

/** The edit a submission asks for; every field is sent, so an emptied field clears it. */
export function editFromState(values: StateValues): SettingsEdit {
  const text = (block: string) => values[block]?.[VALUE]?.value ?? "";
  const choice = (block: string) => values[block]?.[VALUE]?.selected_option?.value ?? "";
  const review = choice(SETTINGS_FIELDS.reviewByDefault);
  return {
    guidance: text(SETTINGS_FIELDS.guidance),
    count: text(SETTINGS_FIELDS.count),
    effortScale: choice(SETTINGS_FIELDS.effortScale) as SettingsEdit["effortScale"],
    language: text(SETTINGS_FIELDS.language),
    reviewByDefault: review === "on" ? true : review === "off" ? false : null,
    extraLabels: text(SETTINGS_FIELDS.extraLabels)
      .split(",")
      .map((label) => label.trim())
      .filter(Boolean),
  };
}

/** Which input a validation problem belongs to (its message starts with the field's name). */
export function blockOfProblem(problem: string): string {
  const field = /^(\w+):/.exec(problem)?.[1] as keyof typeof SETTINGS_FIELDS | undefined;
  return (field && SETTINGS_FIELDS[field]) || SETTINGS_FIELDS.guidance;
}
