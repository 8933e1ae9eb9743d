// Linear in the tracker registry.
import { createHash } from "node:crypto";
import type { TrackerEntry } from "../entry.ts";
import { createLinearTracker } from "./adapter.ts";
import { linearVariables, readLinearConfig, type LinearConfig } from "./config.ts";
import { linearIdentity } from "./identity.ts";
import { parseLinearUrl } from "./links.ts";
import { linearChecks, setupLinear } from "./operate.ts";

export const linearEntry = {
  ...linearIdentity,
  variables: linearVariables,
  docRows: [
    ["LINEAR_API_KEY"],
    ["LINEAR_WEBHOOK_SECRET"],
    ["LINEAR_API_URL"],
    ["LINEAR_CLIENT_ID", "LINEAR_CLIENT_SECRET"],
    ["LINEAR_APP_WEBHOOK_SECRET"],
    ["LINEAR_OAUTH_URL"],
    ["LINEAR_TOKEN_URL"],
  ],
  teamNoun: "team",
  linkExample: "https://linear.app/…/issue/ENG-123",
  configureHint: "set LINEAR_API_KEY",
  readConfig: readLinearConfig,
  // Linear counts requests per API key (per user and workspace): the budget is the key's, named
  // by a short hash of it so the key itself is never written anywhere.
  budgetName: (config) => `linear:${createHash("sha256").update(`${config.apiUrl}\n${config.apiKey}`).digest("hex").slice(0, 12)}`,
  describe: (config) =>
    `on (webhooks ${config.webhookSecret || config.appWebhookSecret ? "on" : "off"}${config.agent ? ", agent on" : ""})`,
  siteUrl: () => undefined,
  parseUrl: parseLinearUrl,
  create: (deps) => createLinearTracker(deps),
  setup: setupLinear,
  checks: linearChecks,
} as const satisfies TrackerEntry<typeof linearVariables, LinearConfig>;
