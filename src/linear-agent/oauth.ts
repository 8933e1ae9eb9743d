// Installing the bot in a Linear workspace as an agent: GET /linear/install sends a workspace
// admin to Linear's authorize page with actor=app; GET /linear/oauth/callback checks the state
// against the cookie set with it (so a callback forged in another browser is refused), exchanges
// the code, asks Linear who the app is there, and keeps the token encrypted.
// https://linear.app/developers/oauth-actor-authorization
import { randomBytes, timingSafeEqual } from "node:crypto";
import { Router, type Response } from "express";
import type { Logger } from "../log/logger.ts";
import type { LinearAgentConfig } from "../trackers/linear/config.ts";
import type { AgentApi } from "./agent-api.ts";
import type { LinearInstallations } from "./installations.ts";

export const INSTALL_PATH = "/linear/install";
export const CALLBACK_PATH = "/linear/oauth/callback";
/** What the app asks for: read and write issues, be delegated issues, be @mentioned. */
export const AGENT_SCOPES = ["read", "write", "app:assignable", "app:mentionable"] as const;
const STATE_COOKIE = "subtasks_linear_oauth_state";
const STATE_MAX_AGE_S = 600;

export interface OAuthRouterDeps {
  readonly oauth: LinearAgentConfig;
  /** PUBLIC_URL, without a trailing slash. */
  readonly publicUrl: string;
  readonly installations: LinearInstallations;
  /** The agent API on a token just received (to learn the workspace and the app user). */
  readonly apiFor: (accessToken: string) => AgentApi;
  readonly logger: Logger;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

function sameState(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!);

function page(res: Response, status: number, title: string, text: string): void {
  res
    .status(status)
    .type("html")
    .send(`<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}

export function linearOAuthRouter(deps: OAuthRouterDeps): Router {
  const logger = deps.logger.child({ component: "linear-oauth" });
  const redirectUri = `${deps.publicUrl}${CALLBACK_PATH}`;
  const secure = deps.publicUrl.startsWith("https:");
  const cookie = (value: string, maxAge: number) =>
    `${STATE_COOKIE}=${value}; Max-Age=${maxAge}; Path=${CALLBACK_PATH}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
  const router = Router();

  router.get(INSTALL_PATH, (_req, res) => {
    const state = randomBytes(24).toString("base64url");
    const url = new URL(deps.oauth.oauthUrl);
    url.search = new URLSearchParams({
      client_id: deps.oauth.clientId,
      redirect_uri: redirectUri,
      response_type: "code",
      scope: AGENT_SCOPES.join(","),
      state,
      actor: "app",
    }).toString();
    res.set("Set-Cookie", cookie(state, STATE_MAX_AGE_S)).set("Cache-Control", "no-store").redirect(302, url.toString());
  });

  router.get(CALLBACK_PATH, async (req, res) => {
    res.set("Cache-Control", "no-store");
    const query = (name: string) => (typeof req.query[name] === "string" ? (req.query[name] as string) : undefined);
    const expected = cookieValue(req.get("cookie"), STATE_COOKIE);
    const state = query("state");
    if (!state || !expected || !sameState(state, expected)) {
      logger.warn("Linear OAuth callback refused: state missing or not the one this browser was given");
      page(res, 403, "Install link expired", `This installation was not started from this browser, or it took over ${STATE_MAX_AGE_S / 60} minutes. Start again at ${deps.publicUrl}${INSTALL_PATH}.`);
      return;
    }
    res.set("Set-Cookie", cookie("", 0));
    const error = query("error");
    if (error) {
      page(res, 400, "Not installed", `Linear answered: ${query("error_description") ?? error}.`);
      return;
    }
    const code = query("code");
    if (!code) {
      page(res, 400, "Not installed", "Linear sent no authorization code.");
      return;
    }
    try {
      const token = await deps.installations.exchange({ grant_type: "authorization_code", code, redirect_uri: redirectUri });
      const app = await deps.apiFor(token.access_token).viewer();
      await deps.installations.save(app, token);
      logger.info({ organizationId: app.organizationId, appUserId: app.appUserId }, "installed in a Linear workspace");
      page(res, 200, "subtasks-bot is installed", `Installed in ${app.organizationName}. Delegate a story to subtasks-bot or mention it in a comment to plan its subtasks.`);
    } catch (failure) {
      logger.error({ err: failure }, "Linear OAuth callback failed");
      page(res, 502, "Not installed", `Linear did not complete the installation. Start again at ${deps.publicUrl}${INSTALL_PATH}.`);
    }
  });

  return router;
}
