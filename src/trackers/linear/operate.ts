// `subtasks setup linear` and Linear's lines of `subtasks doctor`. Setup finds what exists
// first and creates only what is missing, so running it again changes nothing.
import { randomBytes } from "node:crypto";
import { failed, passed, type Check } from "../../operate/checklist.ts";
import type { SetupReport, SetupStep } from "../../operate/setup-report.ts";
import type { OperateDeps, SetupOptions } from "../entry.ts";
import { accountCheck } from "../support/account-check.ts";
import { createLinearAdmin, labelCovers, webhookCovers, type LinearAdmin, type LinearTeamRef } from "./admin.ts";
import type { LinearConfig } from "./config.ts";

const SETUP = "run `subtasks setup linear`";
const MANUAL_WEBHOOK = "create it by hand: Linear → Settings → API → Webhooks → New webhook (README, Tracker webhooks)";

type Deps = OperateDeps<LinearConfig> & { readonly admin?: LinearAdmin };

const adminOf = (deps: Deps) => deps.admin ?? createLinearAdmin(deps.config, deps.logger);

export async function setupLinear(deps: Deps, options: SetupOptions): Promise<SetupReport> {
  const admin = adminOf(deps);
  const viewer = await admin.viewer();
  const steps: SetupStep[] = [];
  const envLines: string[] = [];

  // Which teams: the named ones (by key), or the whole workspace (null).
  const allTeams = options.scopes.length > 0 ? await admin.teams() : [];
  const teams: (LinearTeamRef | null)[] = [];
  for (const key of options.scopes) {
    const team = allTeams.find((candidate) => candidate.key.toLowerCase() === key.toLowerCase());
    if (team) teams.push(team);
    else steps.push({ what: `team ${key}`, outcome: "missing", fix: `${viewer.organization.name} has no team ${key}; its teams: ${allTeams.map((t) => t.key).join(", ")}` });
  }
  if (options.scopes.length === 0) teams.push(null);
  const where = (team: LinearTeamRef | null) => (team ? `team ${team.key}` : "workspace");

  const labels = await admin.labelsNamed(deps.labels);
  for (const name of deps.labels) {
    for (const team of teams) {
      const what = `label ${name} (${where(team)})`;
      if (labelCovers(labels, name, team?.id ?? null)) steps.push({ what, outcome: "exists" });
      else if (options.dryRun) steps.push({ what, outcome: "would create" });
      else {
        await admin.createLabel(name, team?.id ?? null);
        steps.push({ what, outcome: "created" });
      }
    }
  }

  if (!deps.webhookUrl) {
    steps.push({ what: "webhook", outcome: "missing", fix: "set PUBLIC_URL to the bot's public HTTPS address, then run this again" });
    return { steps, envLines };
  }
  const url = deps.webhookUrl;
  if (!viewer.viewer.admin) {
    steps.push({ what: `webhook ${url}`, outcome: "missing", fix: `creating webhooks needs a workspace admin's API key (${viewer.viewer.name} is not an admin); or ${MANUAL_WEBHOOK}` });
    return { steps, envLines };
  }
  const hooks = await admin.webhooks();
  // One secret for every webhook: the bot verifies all Linear deliveries with LINEAR_WEBHOOK_SECRET.
  const known = hooks.find((hook) => hook.url === url && hook.secret)?.secret;
  const secret = deps.config.webhookSecret ?? known ?? randomBytes(32).toString("hex");
  let created = false;
  for (const team of teams) {
    const what = `webhook ${url} (Issue, ${team ? `team ${team.key}` : "all public teams"})`;
    if (hooks.some((hook) => webhookCovers(hook, url, team?.id ?? null))) steps.push({ what, outcome: "exists" });
    else if (options.dryRun) steps.push({ what, outcome: "would create" });
    else {
      await admin.createWebhook({ url, teamId: team?.id ?? null, secret });
      steps.push({ what, outcome: "created" });
      created = true;
    }
  }
  // The line to add, when the environment lacks it: the secret just used, or the one Linear shows.
  const signing = created ? secret : known;
  if (!deps.config.webhookSecret && signing) envLines.push(`LINEAR_WEBHOOK_SECRET=${signing}`);
  return { steps, envLines };
}

export function linearChecks(deps: Deps): Check[] {
  const admin = adminOf(deps);
  let viewerAdmin: boolean | undefined;
  return [
    accountCheck({
      name: "Linear: account",
      read: () => admin.viewer(),
      describe: (viewer) => {
        viewerAdmin = viewer.viewer.admin;
        return `${viewer.viewer.name}${viewer.viewer.admin ? " (admin)" : ""} in ${viewer.organization.name}`;
      },
      credentialsFix: "check LINEAR_API_KEY (Linear → Settings → API → Personal API keys)",
      siteSetting: "LINEAR_API_URL",
    }),
    {
      name: "Linear: labels",
      needs: "Linear: account",
      async run() {
        const labels = await admin.labelsNamed(deps.labels);
        const missing = deps.labels.filter((name) => !labels.some((label) => label.name === name));
        return missing.length === 0 ? passed(deps.labels.join(", ")) : failed(`missing ${missing.join(", ")}`, SETUP);
      },
    },
    {
      name: "Linear: webhook",
      needs: "Linear: account",
      async run() {
        if (!deps.webhookUrl) return failed("PUBLIC_URL is unset, so no webhook can be checked", "set PUBLIC_URL to the bot's public HTTPS address");
        const hooks = await admin.webhooks().catch((error: Error) => error);
        if (hooks instanceof Error) {
          const why = viewerAdmin === false ? "reading webhooks needs a workspace admin's API key" : hooks.message;
          return failed(why, `check it by hand in Linear → Settings → API → Webhooks: one must point at ${deps.webhookUrl}`);
        }
        const hook = hooks.find((candidate) => candidate.url === deps.webhookUrl && candidate.enabled && candidate.resourceTypes.includes("Issue"));
        if (!hook) return failed(`no enabled Issue webhook points at ${deps.webhookUrl}`, SETUP);
        if (!deps.config.webhookSecret) return failed(`the webhook exists but LINEAR_WEBHOOK_SECRET is unset, so its deliveries are refused`, `${SETUP}; it prints the line to add`);
        if (hook.secret && hook.secret !== deps.config.webhookSecret) {
          return failed("LINEAR_WEBHOOK_SECRET is not the webhook's signing secret, so its deliveries are refused", "copy the webhook's signing secret (Linear → Settings → API → Webhooks) into LINEAR_WEBHOOK_SECRET");
        }
        return passed(`${hook.allPublicTeams ? "all public teams" : `team ${hook.team?.key ?? "?"}`} → ${deps.webhookUrl}`);
      },
    },
  ];
}
