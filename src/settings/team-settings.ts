// A team's conventions for breakdowns, as the bot uses them: what each field means, how a team's
// settings fall back on the workspace default, and how an edit is checked. Pure; the database
// side is settings/store.ts.
import { z } from "zod";
import { EFFORT_SCALES, type EffortScale } from "../effort/effort.ts";
import { parseCountRange } from "../generation/count-range.ts";
import { MAX_GUIDANCE_CHARS } from "../generation/limits.ts";
import type { CountRange } from "../generation/types.ts";
import { trackerRegistry } from "../trackers/registry.ts";
import type { TrackerKind, TrackerName } from "../trackers/types.ts";

/** The scope of the workspace default, which every team falls back on. */
export const WORKSPACE_SCOPE = "*";

/** "linear:ENG", "jira:PROJ", or "*". */
export type SettingsScope = string;

export function teamScope(tracker: TrackerName, key: string): SettingsScope {
  return `${tracker}:${key.toUpperCase()}`;
}

export function scopeOfKind(kind: TrackerKind, key: string): SettingsScope {
  return teamScope(kind.toLowerCase() as TrackerName, key);
}

/** How a scope reads for a person: "Linear team ENG", "Jira project PROJ", "the workspace default". */
export function describeScope(scope: SettingsScope): string {
  if (scope === WORKSPACE_SCOPE) return "the workspace default";
  const [tracker, key] = scope.split(":") as [TrackerName, string];
  const entry = trackerRegistry[tracker];
  return `${entry?.displayName ?? tracker} ${entry?.teamNoun ?? "team"} ${key}`;
}

/** "adaptive", or a range a person set. */
export type CountSetting = "adaptive" | CountRange;

/** One scope's settings; null (or empty labels) means "not set here". */
export interface TeamSettingsValues {
  readonly guidance: string | null;
  readonly count: CountSetting | null;
  readonly effortScale: EffortScale | null;
  readonly language: string | null;
  readonly reviewByDefault: boolean | null;
  readonly extraLabels: readonly string[];
}

/** The fields, in the order people read them (the change log's JSON keeps no order). */
export const SETTINGS_FIELD_ORDER = ["guidance", "count", "effortScale", "language", "reviewByDefault", "extraLabels"] as const satisfies readonly (keyof TeamSettingsValues)[];

/** The fields a change touched, in reading order. */
export function changedFields(changes: Readonly<Record<string, unknown>>): string[] {
  return SETTINGS_FIELD_ORDER.filter((field) => field in changes);
}

export const NO_SETTINGS: TeamSettingsValues = {
  guidance: null,
  count: null,
  effortScale: null,
  language: null,
  reviewByDefault: null,
  extraLabels: [],
};

/** What a run uses for one story: the team's settings over the workspace default. */
export interface EffectiveSettings extends TeamSettingsValues {
  /** Where each value came from, for messages ("the team", "the workspace default"). */
  readonly scope: SettingsScope;
}

export function effectiveSettings(workspace: TeamSettingsValues, team: TeamSettingsValues, scope: SettingsScope): EffectiveSettings {
  return {
    scope,
    guidance: team.guidance ?? workspace.guidance,
    count: team.count ?? workspace.count,
    effortScale: team.effortScale ?? workspace.effortScale,
    language: team.language ?? workspace.language,
    reviewByDefault: team.reviewByDefault ?? workspace.reviewByDefault,
    // Labels add up: the workspace's on every sub-issue, the team's on its own.
    extraLabels: [...new Set([...workspace.extraLabels, ...team.extraLabels])],
  };
}

export function countToText(count: CountSetting | null): string | null {
  if (count === null) return null;
  if (count === "adaptive") return "adaptive";
  return count.min === count.max ? String(count.min) : `${count.min}-${count.max}`;
}

export function countFromText(text: string | null): CountSetting | null {
  if (text === null) return null;
  if (text.trim().toLowerCase() === "adaptive") return "adaptive";
  const range = parseCountRange(text);
  return "error" in range ? null : range;
}

const MAX_LABELS = 10;
const MAX_LABEL_CHARS = 100;

/**
 * An edit as a person types it (Slack modal, CLI): each field absent is left as it is, an empty
 * text clears it. Checked here, once, for both surfaces; every problem names the field.
 */
export const settingsEditSchema = z.strictObject({
  guidance: z.string().max(MAX_GUIDANCE_CHARS, `guidance: at most ${MAX_GUIDANCE_CHARS.toLocaleString("en-US")} characters`).optional(),
  count: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      if (text === undefined || text.trim() === "" || text.trim().toLowerCase() === "adaptive") return;
      const range = parseCountRange(text);
      if ("error" in range) ctx.addIssue({ code: "custom", message: `count: ${range.error}, or "adaptive"` });
    }),
  effortScale: z.union([z.enum(EFFORT_SCALES), z.literal("")]).optional(),
  language: z.string().max(60, "language: at most 60 characters").optional(),
  reviewByDefault: z.union([z.boolean(), z.null()]).optional(),
  extraLabels: z
    .array(z.string().trim().min(1).max(MAX_LABEL_CHARS, `extraLabels: a label is at most ${MAX_LABEL_CHARS} characters`))
    .max(MAX_LABELS, `extraLabels: at most ${MAX_LABELS} labels`)
    .optional(),
});

export type SettingsEdit = z.infer<typeof settingsEditSchema>;

/** The settings after an edit. */
export function applyEdit(current: TeamSettingsValues, edit: SettingsEdit): TeamSettingsValues {
  const text = (value: string | undefined, was: string | null) => (value === undefined ? was : value.trim() === "" ? null : value.trim());
  return {
    guidance: text(edit.guidance, current.guidance),
    count: edit.count === undefined ? current.count : countFromText(edit.count.trim() === "" ? null : edit.count),
    effortScale: edit.effortScale === undefined ? current.effortScale : edit.effortScale === "" ? null : edit.effortScale,
    language: text(edit.language, current.language),
    reviewByDefault: edit.reviewByDefault === undefined ? current.reviewByDefault : edit.reviewByDefault,
    extraLabels: edit.extraLabels === undefined ? current.extraLabels : [...new Set(edit.extraLabels)],
  };
}

/** field → { from, to } for every field an edit changed (what the change log keeps). */
export function changesBetween(before: TeamSettingsValues, after: TeamSettingsValues): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const comparable = (values: TeamSettingsValues) => ({ ...values, count: countToText(values.count) });
  const a = comparable(before);
  const b = comparable(after);
  for (const field of Object.keys(b) as (keyof typeof b)[]) {
    if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) changes[field] = { from: a[field], to: b[field] };
  }
  return changes;
}
