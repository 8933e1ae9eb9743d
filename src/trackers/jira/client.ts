// jira.js's Cloud client, loaded when a Jira tracker is built rather than when the bot starts.
// Its Cloud surface is one module graph of every endpoint: importing it adds about 60 MB to a
// process's resident memory (measured on Node 24: +61 MB RSS, +30 MB of heap), which a bot
// without Jira credentials, the tracker registry being imported everywhere, should not carry.
import type { createCloudClient } from "jira.js";
import type { Client } from "jira.js/core";

export type JiraClient = ReturnType<typeof createCloudClient>;

/**
 * Starts loading jira.js and builds its Cloud client over `transport`. The load starts at once,
 * so it is done before the first request; a failed load fails each call that awaits it, and is
 * not an unhandled rejection before then.
 */
export function loadJiraClient(transport: Client): Promise<JiraClient> {
  const client = import("jira.js").then(({ createCloudClient }) => createCloudClient(transport));
  client.catch(() => undefined);
  return client;
}
