// SLACK_APP_TOKEN switches the transport to Socket Mode: no HTTP route, and the connection is
// opened with the app-level token through SLACK_API_URL (apps.connections.open).
import { AccessGuard } from "../../../src/access/guard.ts";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/config.ts";
import type { SettingsStore } from "../../../src/settings/store.ts";
import { createSlackClient } from "../../../src/slack/client.ts";
import { createSlackSurface } from "../../../src/slack/surface.ts";
import { ThreadLinks } from "../../../src/slack/thread-links.ts";
import type { RunService } from "../../../src/runs/service.ts";
import { memoryPaceSchedule } from "../../../src/slack/pace-schedule.ts";
import { silentLogger } from "../../support/logger.ts";

afterEach(() => {
  nock.cleanAll();
});

const runs = { observe: () => () => undefined, onChainedRun: () => () => undefined } as unknown as RunService;

describe("Socket Mode", () => {
  it("mounts no HTTP route and connects with the app token through SLACK_API_URL", async () => {
    const config = parseConfig({
      SLACK_BOT_TOKEN: "xoxb-1111-2222-test-token",
      SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
      SLACK_APP_TOKEN: "xapp-1-A0SUBTASKS-1234-abcd",
      SLACK_API_URL: "https://slack.test/api/",
    });
    const opened: string[] = [];
    const scope = nock("https://slack.test").persist();
    scope.intercept(/^\/api\/[\w.]+$/, "POST").reply(async function (request: Request) {
      const method = new URL(request.url).pathname.slice("/api/".length);
      if (method === "apps.connections.open") opened.push(String(request.headers.get("authorization")));
      return [200, JSON.stringify({ ok: false, error: "invalid_auth" }), { "content-type": "application/json" }];
    } as never);
    const client = createSlackClient(config.slack!, silentLogger);
    const settings = {} as SettingsStore;
    const surface = createSlackSurface({ config, slack: config.slack!, client, links: new ThreadLinks(client, silentLogger), settings, logger: silentLogger, runs, trackers: {}, paceSchedule: memoryPaceSchedule(), access: new AccessGuard({ policy: null, requireLinkedIdentity: false, slack: client, trackers: {}, logger: silentLogger }) });
    expect(surface.router).toBeNull();
    // A refused app token fails the start: the operator sees it at once, not at the first command.
    await expect(surface.start()).rejects.toThrow(/invalid_auth/);
    expect(opened).toEqual(["Bearer xapp-1-A0SUBTASKS-1234-abcd"]);
    await surface.stop().catch(() => undefined);
    scope.persist(false);
  });
});
