// The Linear agent surface of the service, as the Slack one is for Slack: the install routes,
// the receiver of agent session events (handed to the webhook route), and the reporter that
// observes runs and speaks in their sessions. createApp mounts `router` and starts/stops it.
import type { Config } from "../config/config.ts";
import type { Logger } from "../log/logger.ts";
import type { RunService } from "../runs/service.ts";
import type { ThreadLinks } from "../slack/thread-links.ts";
import type { LinearAgent } from "./agent.ts";
import { linearOAuthRouter } from "./oauth.ts";
import { createAgentReporter } from "./reporter.ts";
import { createSessionReceiver } from "./session-receiver.ts";

export interface LinearAgentSurfaceDeps {
  readonly agent: LinearAgent;
  readonly runs: RunService;
  readonly threadLinks: ThreadLinks | null;
  readonly config: Pick<Config, "triggerLabel">;
  readonly logger: Logger;
  readonly recordWithinMs?: number | undefined;
}

export function createLinearAgentSurface(deps: LinearAgentSurfaceDeps) {
  const { agent, runs, logger } = deps;
  const router = linearOAuthRouter({
    oauth: agent.oauth,
    publicUrl: agent.publicUrl,
    installations: agent.installations,
    apiFor: (token) => agent.apiWithToken(token),
    logger,
  });
  const receive = createSessionReceiver({ runs, agent, logger, recordWithinMs: deps.recordWithinMs });
  const reporter = createAgentReporter({
    runs,
    agent,
    logger,
    triggerLabel: deps.config.triggerLabel,
    ...(deps.threadLinks ? { threadUrl: (run) => deps.threadLinks!.threadUrl(run) } : {}),
  });
  let unsubscribe: (() => void) | undefined;
  return {
    router,
    receive,
    async start() {
      unsubscribe = runs.observe(reporter);
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
