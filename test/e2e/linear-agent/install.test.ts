// Installing the bot as a Linear agent, end to end on the real server: /linear/install sends the
// admin to Linear's authorize URL with actor=app and a state bound to the browser by a cookie;
// the callback exchanges the code at Linear's token endpoint (nock), asks Linear who the app is,
// and stores the token encrypted.
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { TokenCipher } from "../../../src/linear-agent/token-cipher.ts";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { AGENT_APP, LinearWorkspace } from "../../support/linear-workspace.ts";
import { agentEnv, TOKEN_KEY } from "./support.ts";

const APP_TOKEN = "lin_oauth_7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c9e";
const REFRESH_TOKEN = "lin_refresh_2b4d6f8a0c1e3a5c7e9b1d3f";
let linear: LinearWorkspace;

afterEach(async () => {
  await stopStarted();
  linear.stop();
  nock.cleanAll();
});

async function beginInstall(app: TestApp): Promise<{ authorize: URL; cookie: string }> {
  const response = await fetch(`${app.baseUrl}/linear/install`, { redirect: "manual" });
  expect(response.status).toBe(302);
  const cookie = response.headers.get("set-cookie")!;
  return { authorize: new URL(response.headers.get("location")!), cookie: cookie.split(";")[0]! };
}

function playTokenEndpoint(): { bodies: URLSearchParams[] } {
  const bodies: URLSearchParams[] = [];
  nock("https://linear.test")
    .post("/oauth/token", (body: string | Record<string, string>) => {
      bodies.push(new URLSearchParams(body as never));
      return true;
    })
    .reply(200, { access_token: APP_TOKEN, token_type: "Bearer", expires_in: 86399, scope: "read write app:assignable app:mentionable", refresh_token: REFRESH_TOKEN });
  return { bodies };
}

describe("installing the bot in a Linear workspace", () => {
  it("redirects to Linear with actor=app and the agent scopes, and the callback stores the app token encrypted", async () => {
    linear = new LinearWorkspace();
    const app = await startApp({ env: agentEnv() });
    const { authorize, cookie } = await beginInstall(app);
    expect(`${authorize.origin}${authorize.pathname}`).toBe("https://linear.test/oauth/authorize");
    const state = authorize.searchParams.get("state")!;
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      client_id: "6f1e2d3c4b5a69788796a5b4c3d2e1f0",
      redirect_uri: "https://subtasks.example.com/linear/oauth/callback",
      response_type: "code",
      scope: "read,write,app:assignable,app:mentionable",
      state,
      actor: "app",
    });
    expect(state.length).toBeGreaterThanOrEqual(32);
    expect(cookie).toBe(`subtasks_linear_oauth_state=${state}`);

    const token = playTokenEndpoint();
    const callback = await fetch(`${app.baseUrl}/linear/oauth/callback?code=9f8e7d6c5b4a&state=${state}`, { headers: { cookie } });
    expect(callback.status).toBe(200);
    expect(await callback.text()).toContain("Installed in Acme.");

    expect(Object.fromEntries(token.bodies[0]!)).toEqual({
      grant_type: "authorization_code",
      code: "9f8e7d6c5b4a",
      redirect_uri: "https://subtasks.example.com/linear/oauth/callback",
      client_id: "6f1e2d3c4b5a69788796a5b4c3d2e1f0",
      client_secret: "lin_client_secret_9a8b7c6d5e4f",
    });
    // Who the app is was asked with the new token.
    expect(linear.agentCalls).toEqual([{ operation: "AppViewer", authorization: `Bearer ${APP_TOKEN}`, variables: {} }]);

    const row = await app.db.prisma.linearInstallation.findUniqueOrThrow({ where: { organizationId: AGENT_APP.organizationId } });
    expect(row).toMatchObject({ appUserId: AGENT_APP.appUserId, organizationName: "Acme", scope: "read write app:assignable app:mentionable" });
    // At rest, neither token is readable; with TOKEN_ENCRYPTION_KEY both open again.
    expect(JSON.stringify(row)).not.toContain(APP_TOKEN);
    expect(JSON.stringify(row)).not.toContain(REFRESH_TOKEN);
    const cipher = new TokenCipher(TOKEN_KEY);
    expect(cipher.open(row.accessToken)).toBe(APP_TOKEN);
    expect(cipher.open(row.refreshToken!)).toBe(REFRESH_TOKEN);
    expect(() => new TokenCipher("00".repeat(32)).open(row.accessToken)).toThrow();
    expect(row.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 86_000_000);
  });

  it("refuses a callback whose state is not the one this browser was given, and stores nothing", async () => {
    linear = new LinearWorkspace();
    const app = await startApp({ env: agentEnv() });
    const { authorize } = await beginInstall(app);
    const state = authorize.searchParams.get("state")!;
    const token = playTokenEndpoint();

    const noCookie = await fetch(`${app.baseUrl}/linear/oauth/callback?code=abc&state=${state}`);
    expect(noCookie.status).toBe(403);
    const otherBrowser = await fetch(`${app.baseUrl}/linear/oauth/callback?code=abc&state=${state}`, {
      headers: { cookie: "subtasks_linear_oauth_state=an-attackers-own-state-value-000000" },
    });
    expect(otherBrowser.status).toBe(403);

    expect(token.bodies).toEqual([]);
    expect(await app.db.prisma.linearInstallation.count()).toBe(0);
  });

  it("says so when the admin declines on Linear's page", async () => {
    linear = new LinearWorkspace();
    const app = await startApp({ env: agentEnv() });
    const { authorize, cookie } = await beginInstall(app);
    const declined = await fetch(`${app.baseUrl}/linear/oauth/callback?error=access_denied&state=${authorize.searchParams.get("state")}`, { headers: { cookie } });
    expect(declined.status).toBe(400);
    expect(await declined.text()).toContain("Linear answered: access_denied.");
    expect(await app.db.prisma.linearInstallation.count()).toBe(0);
  });
});
