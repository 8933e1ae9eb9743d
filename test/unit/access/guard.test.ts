import type { WebClient } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import { AccessGuard } from "../../../src/access/guard.ts";
import { parseAccessPolicy } from "../../../src/access/policy.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { captureLogger } from "../../support/logger.ts";
import { silentLogger } from "../../support/logger.ts";

const policy = parseAccessPolicy("channels:\n  C0ENG: { linear: [ENG] }\n  C0ALL: { linear: '*' }\n");

/** users.info as Slack answers it; counts the calls. */
function slackWithEmails(emails: Record<string, string | undefined>) {
  const asked: string[] = [];
  const client = {
    users: {
      async info({ user }: { user: string }) {
        asked.push(user);
        if (user === "U0DOWN") throw new Error("slack is down");
        return { ok: true, user: { id: user, profile: emails[user] === undefined ? {} : { email: emails[user] } } };
      },
    },
  } as unknown as WebClient;
  return { client, asked };
}

function guard(options: { policy?: typeof policy | null; identity?: boolean; now?: () => number } = {}) {
  const linear = new FakeTracker();
  linear.members.set("alice@acme.test", new Set(["ENG"]));
  const slack = slackWithEmails({ U0ALICE: "Alice@Acme.test", U0BOB: "bob@acme.test", U0NOEMAIL: undefined });
  const log = captureLogger();
  const access = new AccessGuard({
    policy: options.policy === undefined ? policy : options.policy,
    requireLinkedIdentity: options.identity ?? false,
    slack: slack.client,
    trackers: { linear },
    logger: log.logger,
    ...(options.now ? { now: options.now } : {}),
  });
  return { access, linear, slack, log };
}

const eng = { tracker: "linear" as const, key: "ENG-12" };
const ops = { tracker: "linear" as const, key: "OPS-3" };

describe("AccessGuard", () => {
  it("allows everything without a policy or identity rule, and warns once at start", () => {
    const log = captureLogger();
    const open = new AccessGuard({ policy: null, requireLinkedIdentity: false, slack: null, trackers: {}, logger: log.logger });
    open.warnIfOpen();
    expect(log.lines().filter((line) => line.level === 40).map((line) => line.msg)).toEqual([expect.stringMatching(/^no ACCESS_POLICY: anyone in any channel/)]);
    expect(open.channelAllows("C0ANY", eng)).toBe(true);
    expect(new AccessGuard({ policy, requireLinkedIdentity: false, slack: null, trackers: {}, logger: silentLogger }).restricted).toBe(true);
  });

  it("refuses a story whose team the channel may not show, naming nothing of it, and logs who, what and why", async () => {
    const { access, log } = guard();
    expect(await access.check({ userId: "U0ALICE", channel: "C0ENG", items: [eng], action: "run" })).toEqual({ allowed: true });
    const refused = await access.check({ userId: "U0ALICE", channel: "C0ENG", items: [eng, ops], action: "run" });
    expect(refused).toMatchObject({ allowed: false, reason: "channel" });
    if (refused.allowed) throw new Error("unreachable");
    expect(refused.message).not.toMatch(/OPS|ENG/);
    expect(log.lines().find((line) => line.msg === "access refused")).toMatchObject({ userId: "U0ALICE", channel: "C0ENG", action: "run", items: ["linear:ENG-12", "linear:OPS-3"], reason: "channel" });
    expect(await access.check({ userId: "U0ALICE", channel: "C0ALL", items: [ops], action: "run" })).toEqual({ allowed: true });
    // No channel (App Home, a modal): the channel rule does not apply.
    expect(await access.check({ userId: "U0ALICE", channel: null, items: [ops], action: "home" })).toEqual({ allowed: true });
  });

  it("with linked identity, allows a member of the story's team and refuses others by the reason", async () => {
    const { access, linear } = guard({ policy: null, identity: true });
    expect(await access.check({ userId: "U0ALICE", channel: "C0ANY", items: [eng], action: "run" })).toEqual({ allowed: true });
    expect(await access.check({ userId: "U0ALICE", channel: "C0ANY", items: [ops], action: "run" })).toMatchObject({ allowed: false, reason: "no-access" });
    expect(await access.check({ userId: "U0BOB", channel: "C0ANY", items: [eng], action: "run" })).toMatchObject({ allowed: false, reason: "no-access" });
    expect(await access.check({ userId: "U0NOEMAIL", channel: "C0ANY", items: [eng], action: "run" })).toMatchObject({ allowed: false, reason: "not-linked" });
    // Slack down: refused, never guessed.
    expect(await access.check({ userId: "U0DOWN", channel: "C0ANY", items: [eng], action: "run" })).toMatchObject({ allowed: false, reason: "unverifiable" });
    // The email is matched lower-cased; the team is read from the key.
    expect(linear.calls.filter((call) => call.method === "canUserOpen").map((call) => call.key)).toEqual(["ENG-12", "OPS-3", "ENG-12"]);
  });

  it("remembers emails and answers for minutes, then asks again", async () => {
    let now = 1_000_000;
    const { access, linear, slack } = guard({ policy: null, identity: true, now: () => now });
    for (let i = 0; i < 3; i++) await access.check({ userId: "U0ALICE", channel: null, items: [eng], action: "review" });
    expect(slack.asked).toEqual(["U0ALICE"]);
    expect(linear.countCalls("canUserOpen")).toBe(1);
    // Membership changed in the tracker: seen once the answer is older than five minutes.
    linear.members.set("alice@acme.test", new Set());
    now += 4 * 60_000;
    expect((await access.check({ userId: "U0ALICE", channel: null, items: [eng], action: "review" })).allowed).toBe(true);
    now += 2 * 60_000;
    expect((await access.check({ userId: "U0ALICE", channel: null, items: [eng], action: "review" })).allowed).toBe(false);
    expect(slack.asked).toEqual(["U0ALICE", "U0ALICE"]);
  });

  it("admits only the stories of a person's run that pass both rules; label runs are not filtered", async () => {
    const { access } = guard({ identity: true });
    const run = { trigger: "SLASH_COMMAND", requestedBy: "U0ALICE", slackChannel: "C0ALL" };
    expect(await access.admit(run, [eng, ops, { tracker: "linear", key: "ENG-13" }])).toEqual([true, false, true]);
    expect(await access.admit({ ...run, trigger: "TRACKER_LABEL", requestedBy: "linear-user" }, [eng, ops])).toEqual([true, true]);
    // A story it cannot check makes the resolve job fail and retry, rather than guess.
    await expect(access.admit({ ...run, requestedBy: "U0DOWN" }, [eng])).rejects.toThrow(/could not check access to linear:ENG-12/);
  });

  it("checks a whole team (settings) without an issue key", async () => {
    const { access, linear } = guard({ policy: null, identity: true });
    expect(await access.check({ userId: "U0ALICE", channel: null, items: [{ tracker: "linear", team: "eng" }], action: "settings" })).toEqual({ allowed: true });
    expect(linear.calls.at(-1)).toEqual({ method: "canUserOpen", key: "ENG" });
  });
});
