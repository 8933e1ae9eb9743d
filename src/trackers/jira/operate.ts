// `subtasks setup jira` and Jira's lines of `subtasks doctor`. Setup finds what exists first
// and creates only what is missing; without admin rights it says so and gives the manual steps.
import { randomBytes } from "node:crypto";
import { isAppError } from "../../errors/app-error.ts";
import { failed, passed, type Check } from "../../operate/checklist.ts";
import type { SetupReport, SetupStep } from "../../operate/setup-report.ts";
import type { OperateDeps, SetupOptions } from "../entry.ts";
import { accountCheck } from "../support/account-check.ts";
import { createJiraAdmin, triggerJql, webhookCovers, type JiraAdmin } from "./admin.ts";
import type { JiraConfig } from "./config.ts";

const SETUP = "run `subtasks setup jira`";

type Deps = OperateDeps<JiraConfig> & { readonly admin?: JiraAdmin };

const adminOf = (deps: Deps) => deps.admin ?? createJiraAdmin(deps.config, deps.logger);
const triggerLabel = (deps: Deps) => deps.labels[0]!;

/** The README's manual steps (Tracker webhooks → Jira Cloud), with this bot's values filled in. */
export function jiraManualSteps(deps: Deps): string[] {
  return [
    `⚙ Settings → System → WebHooks → Create a WebHook. URL ${deps.webhookUrl ?? "https://YOUR-HOST/webhooks/jira"}.`,
    "Secret: generate one and put it in JIRA_WEBHOOK_SECRET, then restart the bot.",
    "Events: Issue → created and updated; leave \"Exclude body\" off.",
    `JQL filter: ${triggerJql(triggerLabel(deps))}`,
  ];
}

async function projectSteps(admin: JiraAdmin, projects: readonly string[]): Promise<SetupStep[]> {
  const steps: SetupStep[] = [];
  for (const project of projects) {
    try {
      const type = await admin.subtaskType(project);
      steps.push({ what: `sub-task type of project ${project} (${type.name})`, outcome: "exists" });
    } catch (error) {
      if (!isAppError(error)) throw error;
      steps.push({ what: `sub-task type of project ${project}`, outcome: "missing", fix: error.message });
    }
  }
  return steps;
}

export async function setupJira(deps: Deps, options: SetupOptions): Promise<SetupReport> {
  const admin = adminOf(deps);
  const me = await admin.myself();
  const steps = await projectSteps(admin, options.scopes);
  if (!(await admin.isAdmin())) {
    return {
      steps,
      envLines: [],
      refused: { reason: `${me.displayName} has no Jira admin rights (Administer Jira), which creating a webhook needs`, manualSteps: jiraManualSteps(deps) },
    };
  }
  if (!deps.webhookUrl) {
    steps.push({ what: "webhook", outcome: "missing", fix: "set PUBLIC_URL to the bot's public HTTPS address, then run this again" });
    return { steps, envLines: [] };
  }
  const url = deps.webhookUrl;
  const jql = triggerJql(triggerLabel(deps));
  const what = `webhook ${url} (issue created and updated, ${jql})`;
  const envLines: string[] = [];
  if ((await admin.webhooks()).some((hook) => webhookCovers(hook, url))) steps.push({ what, outcome: "exists" });
  else if (options.dryRun) steps.push({ what, outcome: "would create" });
  else {
    const secret = deps.config.webhookSecret ?? randomBytes(32).toString("hex");
    await admin.createWebhook({ name: "subtasks-bot", url, jql, secret });
    steps.push({ what, outcome: "created" });
    if (!deps.config.webhookSecret) envLines.push(`JIRA_WEBHOOK_SECRET=${secret}`);
  }
  return { steps, envLines };
}

export function jiraChecks(deps: Deps): Check[] {
  const admin = adminOf(deps);
  return [
    accountCheck({
      name: "Jira: account",
      read: () => admin.myself(),
      describe: (me) => `${me.displayName} on ${deps.config.baseUrl}`,
      credentialsFix: "check JIRA_EMAIL and JIRA_API_TOKEN (id.atlassian.com → Security → API tokens)",
      siteSetting: "JIRA_BASE_URL",
    }),
    {
      name: "Jira: sub-task types",
      needs: "Jira: account",
      // One request per project: slow on a large site.
      thorough: true,
      async run() {
        const steps = await projectSteps(admin, await admin.projects());
        const missing = steps.filter((step) => step.outcome === "missing");
        if (missing.length === 0) return passed(`${steps.length} project(s) have one`);
        return failed(
          `no sub-task type in ${missing.map((step) => step.what.replace("sub-task type of project ", "")).join(", ")}`,
          "a Jira admin turns sub-tasks on (Settings → Issues → Sub-tasks) and adds a sub-task type to each project's issue type scheme",
        );
      },
    },
    {
      name: "Jira: webhook",
      needs: "Jira: account",
      async run() {
        if (!deps.webhookUrl) return failed("PUBLIC_URL is unset, so no webhook can be checked", "set PUBLIC_URL to the bot's public HTTPS address");
        const hooks = await admin.webhooks().catch((error: Error) => error);
        if (hooks instanceof Error) return failed(hooks.message, `check it by hand (⚙ Settings → System → WebHooks): one must point at ${deps.webhookUrl}`);
        if (!hooks.some((hook) => webhookCovers(hook, deps.webhookUrl!))) return failed(`no enabled webhook for issue created and updated points at ${deps.webhookUrl}`, SETUP);
        if (!deps.config.webhookSecret) return failed("the webhook exists but JIRA_WEBHOOK_SECRET is unset, so its deliveries are refused", "put the webhook's secret in JIRA_WEBHOOK_SECRET");
        return passed(`→ ${deps.webhookUrl}`);
      },
    },
  ];
}
