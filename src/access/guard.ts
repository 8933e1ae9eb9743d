// The one place that decides who may run or see which stories where. Two rules, each optional:
// the channel policy (ACCESS_POLICY: which teams and projects a channel may show) and linked
// identity (REQUIRE_LINKED_IDENTITY: a person may run only stories they could open themselves,
// matched by their Slack email). Every surface asks here: the command, review buttons, Refine,
// team settings, App Home, the resolver (stories an epic expands to) and the label-run reporter.
import type { WebClient } from "@slack/web-api";
import type { Logger } from "../log/logger.ts";
import type { StoryAdmission } from "../runs/ports.ts";
import type { Trackers } from "../trackers/create-trackers.ts";
import { teamOfIssueKey } from "../trackers/issue-key.ts";
import type { TrackerName } from "../trackers/types.ts";
import { channelAllows, type AccessPolicy } from "./policy.ts";
import { TtlCache } from "./ttl-cache.ts";

/**
 * What access is asked for: a story (or epic) by its key, whose team is read from the key, or a
 * whole team or project (team settings).
 */
export type AccessItem = { readonly tracker: TrackerName; readonly key: string } | { readonly tracker: TrackerName; readonly team: string };

function teamOf(item: AccessItem): string | null {
  return "team" in item ? item.team.toUpperCase() : teamOfIssueKey(item.key);
}

function describe(item: AccessItem): string {
  return `${item.tracker}:${"team" in item ? item.team : item.key}`;
}

export type RefusalReason = "channel" | "not-linked" | "no-access" | "unverifiable";

export type AccessDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: RefusalReason; readonly message: string };

export interface AccessRequest {
  readonly userId: string;
  /** Where the stories would be shown; null where only the person sees them (App Home, a modal). */
  readonly channel: string | null;
  readonly items: readonly AccessItem[];
  /** What was asked, for the log: "run", "review", "refine", "settings". */
  readonly action: string;
}

export interface AccessGuardDeps {
  readonly policy: AccessPolicy | null;
  readonly requireLinkedIdentity: boolean;
  /** users.info for the person's email; needed with requireLinkedIdentity. */
  readonly slack: WebClient | null;
  readonly trackers: Trackers;
  readonly logger: Logger;
  /** How long an email or an answer of a tracker is remembered; default 5 minutes. */
  readonly rememberMs?: number;
  readonly now?: () => number;
}

const REMEMBER_MS = 5 * 60_000;

// What a refused person reads. None names the story, its title or its team: the person may not
// be allowed to learn even that it exists.
const MESSAGES: Record<RefusalReason, string> = {
  channel: "This channel may not show stories from that team or project (the bot's access policy). Nothing was done. Try a channel meant for that team, or ask the bot's operator.",
  "not-linked": "I could not match your Slack email to a user of the tracker, so I cannot tell whether you may see that story. Nothing was done. Ask the bot's operator to check that both use the same email.",
  "no-access": "You can only use stories you could open yourself in the tracker, and your account there cannot open that one. Nothing was done.",
  unverifiable: "I could not check your access just now (Slack or the tracker did not answer). Nothing was done; please try again in a minute.",
};

export class AccessGuard implements StoryAdmission {
  private readonly deps: AccessGuardDeps;
  private readonly emails: TtlCache<string | null>;
  private readonly answers: TtlCache<boolean>;

  constructor(deps: AccessGuardDeps) {
    this.deps = deps;
    const options = { ttlMs: deps.rememberMs ?? REMEMBER_MS, ...(deps.now ? { now: deps.now } : {}) };
    this.emails = new TtlCache(options);
    this.answers = new TtlCache(options);
  }

  /** Whether anything is checked at all: with neither rule, everything is allowed as before. */
  get restricted(): boolean {
    return this.deps.policy !== null || this.deps.requireLinkedIdentity;
  }

  /** Says once, at start, when the bot runs without any access rule. */
  warnIfOpen(): void {
    if (!this.restricted) {
      this.deps.logger.warn(
        "no ACCESS_POLICY: anyone in any channel with the bot may run and see every team's and project's stories; set ACCESS_POLICY (and REQUIRE_LINKED_IDENTITY) to restrict",
      );
    }
  }

  /** May stories of `item` be posted in `channel` (for runs no person started: a tracker label)? */
  channelAllows(channel: string, item: AccessItem): boolean {
    if (!this.deps.policy) return true;
    const team = teamOf(item);
    return team !== null && channelAllows(this.deps.policy, channel, item.tracker, team);
  }

  /** The decision for one request; a refusal is logged with who, what and why. */
  async check(request: AccessRequest): Promise<AccessDecision> {
    const reason = await this.refusal(request);
    if (reason === null) return { allowed: true };
    this.deps.logger.warn(
      { userId: request.userId, channel: request.channel, action: request.action, items: request.items.map(describe), reason },
      "access refused",
    );
    return { allowed: false, reason, message: MESSAGES[reason] };
  }

  /** StoryAdmission: the stories a person's run may include; a run no person started is not filtered here. */
  async admit(run: { trigger: string; requestedBy: string; slackChannel: string | null }, stories: readonly AccessItem[]): Promise<readonly boolean[]> {
    if (!this.restricted || run.trigger !== "SLASH_COMMAND") return stories.map(() => true);
    const answers: boolean[] = [];
    for (const story of stories) {
      const reason = await this.refusal({ userId: run.requestedBy, channel: run.slackChannel, items: [story], action: "run" });
      if (reason === "unverifiable") throw new Error(`could not check access to ${describe(story)}; the run is resolved again later`);
      if (reason !== null) this.deps.logger.warn({ userId: run.requestedBy, channel: run.slackChannel, action: "run", items: [describe(story)], reason }, "access refused");
      answers.push(reason === null);
    }
    return answers;
  }

  private async refusal(request: AccessRequest): Promise<RefusalReason | null> {
    const { policy } = this.deps;
    if (policy && request.channel !== null) {
      for (const item of request.items) if (!this.channelAllows(request.channel, item)) return "channel";
    }
    if (!this.deps.requireLinkedIdentity || request.items.length === 0) return null;
    let email: string | null;
    try {
      email = await this.emailOf(request.userId);
    } catch (error) {
      this.deps.logger.warn({ userId: request.userId, err: error }, "could not read a Slack user's email");
      return "unverifiable";
    }
    if (!email) return "not-linked";
    for (const item of request.items) {
      try {
        if (!(await this.canOpen(email, item))) return "no-access";
      } catch (error) {
        this.deps.logger.warn({ userId: request.userId, item: describe(item), err: error }, "could not check a user's access in the tracker");
        return "unverifiable";
      }
    }
    return null;
  }

  /** The person's Slack email (users.info, scope users:read.email); null when Slack shows none. */
  private async emailOf(userId: string): Promise<string | null> {
    const known = this.emails.get(userId);
    if (known !== undefined) return known;
    if (!this.deps.slack) throw new Error("Slack is off: no email to match");
    const answer = await this.deps.slack.users.info({ user: userId });
    const email = answer.user?.profile?.email?.trim().toLowerCase() || null;
    this.emails.set(userId, email);
    return email;
  }

  private async canOpen(email: string, item: AccessItem): Promise<boolean> {
    const team = teamOf(item);
    const tracker = this.deps.trackers[item.tracker];
    if (team === null || !tracker) return false;
    const key = "key" in item ? item.key.toUpperCase() : null;
    const cacheKey = `${item.tracker}|${email}|${team}|${key ?? ""}`;
    const known = this.answers.get(cacheKey);
    if (known !== undefined) return known;
    const allowed = await tracker.canUserOpen(email, { key, team });
    this.answers.set(cacheKey, allowed);
    return allowed;
  }
}
