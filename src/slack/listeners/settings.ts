// Team settings from App Home: the Settings button opens a modal at once (trigger_ids expire in
// 3 s), the teams and projects are then read from the trackers and the form replaces the
// loading view; picking another team refreshes the form; Save checks and stores the change with
// who made it. Only workspace admins and owners, and the users in SETTINGS_EDITORS, may change
// settings; anyone else sees why, and nothing changes.
import type { App, BlockAction, ButtonAction, StaticSelectAction } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { AccessGuard } from "../../access/guard.ts";
import type { Logger } from "../../log/logger.ts";
import { settingsEditSchema, teamScope, WORKSPACE_SCOPE, type SettingsScope } from "../../settings/team-settings.ts";
import type { SettingsStore } from "../../settings/store.ts";
import type { Trackers } from "../../trackers/create-trackers.ts";
import { trackerRegistry } from "../../trackers/registry.ts";
import type { TrackerName } from "../../trackers/types.ts";
import {
  blockOfProblem,
  editFromState,
  loadingSettingsModal,
  settingsModal,
  settingsRefusedModal,
  settingsSavedModal,
  SETTINGS_CALLBACK_ID,
  SETTINGS_OPEN_ACTION_ID,
  SETTINGS_SCOPE_ACTION_ID,
  type ScopeChoices,
} from "../blocks/settings-modal.ts";
import { errorReference, somethingWentWrongPlain } from "../blocks/something-went-wrong.ts";
import { slackErrorCode } from "../client.ts";
import type { SlackPermissions } from "../permissions.ts";

export interface SettingsDeps {
  readonly client: WebClient;
  readonly settings: Pick<SettingsStore, "get" | "history" | "change">;
  readonly trackers: Trackers;
  readonly permissions: Pick<SlackPermissions, "settings">;
  /** With linked identity, a person sees and edits only the teams and projects they can open. */
  readonly access: Pick<AccessGuard, "check">;
  readonly logger: Logger;
}

const REFUSED = "Only workspace admins and owners, and the people the operator lists in SETTINGS_EDITORS, can change team settings.";

export function registerSettings(app: App, deps: SettingsDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: "block_actions", action_id: SETTINGS_OPEN_ACTION_ID }, async ({ ack, body }) => {
    await ack();
    await openSettings(deps, body.user.id, body.trigger_id);
  });
  app.action<BlockAction<StaticSelectAction>>({ type: "block_actions", action_id: SETTINGS_SCOPE_ACTION_ID }, async ({ ack, body, action }) => {
    await ack();
    if (!body.view) return;
    await showScope(deps, body.user.id, body.view.id, action.selected_option.value);
  });
  app.view(SETTINGS_CALLBACK_ID, async ({ ack, body, view }) => {
    const answer = await saveSettings(deps, body.user, view.private_metadata || WORKSPACE_SCOPE, view.state.values as never);
    await ack(answer);
  });
}

/** The teams and projects of every tracker the bot has, read at once; a tracker that fails is named. */
async function scopeChoices(trackers: Trackers, logger: Logger): Promise<ScopeChoices> {
  const entries = Object.entries(trackers) as [TrackerName, NonNullable<Trackers[TrackerName]>][];
  const read = await Promise.all(
    entries.map(async ([name, tracker]) => {
      try {
        return { tracker: name, teams: await tracker.listTeams() };
      } catch (error) {
        logger.warn({ tracker: name, err: error }, "could not list teams for the settings");
        return { tracker: name, teams: [], problem: `${trackerRegistry[name].displayName}: ${(error as Error).message}` };
      }
    }),
  );
  return { teams: read, unavailable: read.flatMap((group) => ("problem" in group && group.problem ? [group.problem] : [])) };
}

/** The access check of one scope: a team or project the person could open; the workspace default needs none. */
function scopeAccess(deps: SettingsDeps, userId: string, scope: SettingsScope) {
  if (scope === WORKSPACE_SCOPE) return Promise.resolve({ allowed: true as const });
  const [tracker, team] = scope.split(":") as [TrackerName, string];
  return deps.access.check({ userId, channel: null, items: [{ tracker, team }], action: "settings" });
}

/** Only the teams and projects the person may see are offered (all of them without linked identity). */
async function visibleChoices(deps: SettingsDeps, userId: string): Promise<ScopeChoices> {
  const choices = await scopeChoices(deps.trackers, deps.logger);
  const teams = [];
  for (const group of choices.teams) {
    const visible = [];
    for (const team of group.teams) if ((await scopeAccess(deps, userId, teamScope(group.tracker, team.key))).allowed) visible.push(team);
    teams.push({ ...group, teams: visible });
  }
  return { ...choices, teams };
}

async function form(deps: SettingsDeps, userId: string, scope: SettingsScope) {
  const [choices, current, history] = await Promise.all([visibleChoices(deps, userId), deps.settings.get(scope), deps.settings.history(scope)]);
  return settingsModal({ choices, current, history });
}

async function openSettings(deps: SettingsDeps, userId: string, triggerId: string): Promise<void> {
  try {
    const permission = await deps.permissions.settings(userId);
    if (permission === "refused" || permission === "unknown") {
      deps.logger.info({ userId, permission }, "settings refused");
      const why = permission === "unknown" ? " I could not check whether you are one." : "";
      await deps.client.views.open({ trigger_id: triggerId, view: settingsRefusedModal(`${REFUSED}${why}`) });
      return;
    }
    const opened = await deps.client.views.open({ trigger_id: triggerId, view: loadingSettingsModal() });
    await deps.client.views.update({ view_id: opened.view!.id!, view: await form(deps, userId, WORKSPACE_SCOPE) });
  } catch (error) {
    deps.logger.warn({ userId, error: slackErrorCode(error), err: error }, "could not open the settings");
  }
}

async function showScope(deps: SettingsDeps, userId: string, viewId: string, scope: SettingsScope): Promise<void> {
  try {
    if ((await deps.permissions.settings(userId)) === "refused") return;
    const access = await scopeAccess(deps, userId, scope);
    await deps.client.views.update({ view_id: viewId, view: access.allowed ? await form(deps, userId, scope) : settingsRefusedModal(access.message) });
  } catch (error) {
    deps.logger.warn({ userId, scope, error: slackErrorCode(error), err: error }, "could not show a team's settings");
  }
}

async function saveSettings(
  deps: SettingsDeps,
  user: { id: string; name?: string },
  scope: SettingsScope,
  values: Parameters<typeof editFromState>[0],
) {
  const permission = await deps.permissions.settings(user.id);
  if (permission === "refused" || permission === "unknown") {
    deps.logger.info({ userId: user.id, scope, permission }, "settings change refused");
    return { response_action: "update" as const, view: settingsRefusedModal(REFUSED) };
  }
  const access = await scopeAccess(deps, user.id, scope);
  if (!access.allowed) return { response_action: "update" as const, view: settingsRefusedModal(access.message) };
  const parsed = settingsEditSchema.safeParse(editFromState(values));
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[blockOfProblem(issue.message)] ??= issue.message.replace(/^\w+: /, "");
    return { response_action: "errors" as const, errors };
  }
  try {
    const { changed } = await deps.settings.change(scope, parsed.data, { id: user.id, name: user.name, via: "slack" });
    deps.logger.info({ userId: user.id, scope, changed }, "settings changed");
    return { response_action: "update" as const, view: settingsSavedModal(scope, changed) };
  } catch (error) {
    const reference = errorReference();
    deps.logger.error({ err: error, reference, scope }, "could not save settings");
    return { response_action: "errors" as const, errors: { guidance: somethingWentWrongPlain({ doing: "saving", consequence: "Nothing was saved; please try again.", reference }) } };
  }
}
