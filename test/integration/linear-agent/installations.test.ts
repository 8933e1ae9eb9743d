// App tokens at rest and their refresh, on a real database: a token about to expire is
// refreshed at Linear's token endpoint (nock) before use, and the new one is kept encrypted.
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LinearInstallations } from "../../../src/linear-agent/installations.ts";
import { TokenCipher } from "../../../src/linear-agent/token-cipher.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";

const KEY = "5a".repeat(32);
const oauth = { clientId: "client", clientSecret: "client-secret", oauthUrl: "https://linear.test/oauth/authorize", tokenUrl: "https://linear.test/oauth/token" };
const app = { organizationId: "org-1", organizationName: "Acme", appUserId: "app-user-1" };
let db: TestDatabase;

beforeEach(async () => {
  db = await migratedTestDatabase();
});

afterEach(async () => {
  nock.cleanAll();
  await db.destroy();
});

describe("Linear installations", () => {
  it("gives the stored token while it is fresh, without asking Linear", async () => {
    const installations = new LinearInstallations({ prisma: db.prisma, cipher: new TokenCipher(KEY), oauth });
    await installations.save(app, { access_token: "access-1", expires_in: 86_400, refresh_token: "refresh-1" });
    expect(await installations.accessToken("org-1")).toBe("access-1");
    expect(await installations.accessToken(null)).toBe("access-1");
    expect(await installations.accessToken("another-org")).toBeNull();
  });

  it("refreshes a token about to expire, keeps the new pair encrypted, and keeps the refresh token Linear did not rotate", async () => {
    const installations = new LinearInstallations({ prisma: db.prisma, cipher: new TokenCipher(KEY), oauth });
    await installations.save(app, { access_token: "access-1", expires_in: 60, refresh_token: "refresh-1" });
    const grants: URLSearchParams[] = [];
    nock("https://linear.test")
      .post("/oauth/token", (body: string | Record<string, string>) => {
        grants.push(new URLSearchParams(body as never));
        return true;
      })
      .reply(200, { access_token: "access-2", token_type: "Bearer", expires_in: 86_399, scope: "read,write" });

    expect(await installations.accessToken("org-1")).toBe("access-2");
    expect(Object.fromEntries(grants[0]!)).toEqual({ grant_type: "refresh_token", refresh_token: "refresh-1", client_id: "client", client_secret: "client-secret" });
    const row = await db.prisma.linearInstallation.findUniqueOrThrow({ where: { organizationId: "org-1" } });
    const cipher = new TokenCipher(KEY);
    expect(cipher.open(row.accessToken)).toBe("access-2");
    expect(cipher.open(row.refreshToken!)).toBe("refresh-1");
    expect(row.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 86_000_000);
    // Fresh again: the next use asks nobody.
    expect(await installations.accessToken("org-1")).toBe("access-2");
    expect(grants).toHaveLength(1);
  });

  it("a refused refresh is an error, and the stored token is left as it was", async () => {
    const installations = new LinearInstallations({ prisma: db.prisma, cipher: new TokenCipher(KEY), oauth });
    await installations.save(app, { access_token: "access-1", expires_in: 60, refresh_token: "refresh-1" });
    nock("https://linear.test").post("/oauth/token").reply(400, { error: "invalid_grant" });
    await expect(installations.accessToken("org-1")).rejects.toThrow("Linear's token endpoint answered 400");
    const row = await db.prisma.linearInstallation.findUniqueOrThrow({ where: { organizationId: "org-1" } });
    expect(new TokenCipher(KEY).open(row.accessToken)).toBe("access-1");
  });
});
