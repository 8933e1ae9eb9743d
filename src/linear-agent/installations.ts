// The Linear workspaces that installed the bot as an agent, and their app tokens: stored
// encrypted (TokenCipher), opened only to make a call, refreshed before they expire when Linear
// gave a refresh token. The only door to the LinearInstallation table.
import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { LinearAgentConfig } from "../trackers/linear/config.ts";
import type { TokenCipher } from "./token-cipher.ts";

/** Linear's answer from its token endpoint (authorization_code and refresh_token grants). */
export const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive().optional(),
  scope: z.union([z.string(), z.array(z.string())]).optional(),
  refresh_token: z.string().min(1).optional(),
});
export type TokenAnswer = z.infer<typeof tokenAnswerSchema>;

/** A token this close to its expiry is refreshed before use. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface InstalledApp {
  readonly organizationId: string;
  readonly organizationName: string;
  readonly appUserId: string;
}

export class LinearInstallations {
  private readonly prisma: PrismaClient;
  private readonly cipher: TokenCipher;
  private readonly oauth: LinearAgentConfig;
  private readonly fetch: typeof fetch;
  private readonly refreshing = new Map<string, Promise<string>>();

  constructor(deps: { prisma: PrismaClient; cipher: TokenCipher; oauth: LinearAgentConfig; fetch?: typeof fetch }) {
    this.prisma = deps.prisma;
    this.cipher = deps.cipher;
    this.oauth = deps.oauth;
    this.fetch = deps.fetch ?? fetch;
  }

  /** Keeps a workspace's tokens (a reinstall replaces them). */
  async save(app: InstalledApp, token: TokenAnswer): Promise<void> {
    const data = {
      organizationName: app.organizationName,
      appUserId: app.appUserId,
      accessToken: this.cipher.seal(token.access_token),
      refreshToken: token.refresh_token ? this.cipher.seal(token.refresh_token) : null,
      expiresAt: token.expires_in ? new Date(Date.now() + token.expires_in * 1000) : null,
      scope: Array.isArray(token.scope) ? token.scope.join(",") : (token.scope ?? ""),
    };
    await this.prisma.linearInstallation.upsert({ where: { organizationId: app.organizationId }, create: { organizationId: app.organizationId, ...data }, update: data });
  }

  /**
   * The app token of a workspace; without one named, of the only (or latest) installation.
   * Null when the bot is not installed there.
   */
  async accessToken(organizationId: string | null): Promise<string | null> {
    const row = organizationId
      ? await this.prisma.linearInstallation.findUnique({ where: { organizationId } })
      : await this.prisma.linearInstallation.findFirst({ orderBy: { updatedAt: "desc" } });
    if (!row) return null;
    if (row.expiresAt && row.refreshToken && row.expiresAt.getTime() - Date.now() < REFRESH_MARGIN_MS) {
      // One refresh per workspace at a time in this process: a rotated refresh token works once.
      let refreshing = this.refreshing.get(row.organizationId);
      if (!refreshing) {
        refreshing = this.refresh(row).finally(() => this.refreshing.delete(row.organizationId));
        this.refreshing.set(row.organizationId, refreshing);
      }
      return refreshing;
    }
    return this.cipher.open(row.accessToken);
  }

  private async refresh(row: { organizationId: string; organizationName: string | null; appUserId: string; refreshToken: string | null }): Promise<string> {
    const refreshToken = this.cipher.open(row.refreshToken!);
    const fresh = await this.exchange({ grant_type: "refresh_token", refresh_token: refreshToken });
    const app = { organizationId: row.organizationId, organizationName: row.organizationName ?? "", appUserId: row.appUserId };
    await this.save(app, { ...fresh, refresh_token: fresh.refresh_token ?? refreshToken });
    return fresh.access_token;
  }

  /** Whether any workspace installed the bot. */
  async any(): Promise<boolean> {
    return (await this.prisma.linearInstallation.count()) > 0;
  }

  /** POSTs a grant to Linear's token endpoint (form-encoded, with the app's credentials). */
  async exchange(grant: Record<string, string>): Promise<TokenAnswer> {
    const response = await this.fetch(this.oauth.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ ...grant, client_id: this.oauth.clientId, client_secret: this.oauth.clientSecret }),
      signal: AbortSignal.timeout(15_000),
    });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw new Error(`Linear's token endpoint answered ${response.status}`);
    const parsed = tokenAnswerSchema.safeParse(body);
    if (!parsed.success) throw new Error("Linear's token endpoint answered without an access token");
    return parsed.data;
  }
}
