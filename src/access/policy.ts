// The access policy file (ACCESS_POLICY): which Linear teams and Jira projects may be run or
// shown in which Slack channel. Read and validated once at start; a bad file stops the bot with
// one line that says where it is wrong.
//
//   channels:
//     C0123ABCD: { linear: [ENG, OPS], jira: [PROJ] }
//     "*": { jira: [PUB] }          # every channel
//
// A channel may show what its own entry lists plus what "*" lists; a tracker may be given "*"
// (every team or project). Anything not listed is refused.
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { trackerNames } from "../trackers/registry.ts";
import type { TrackerName } from "../trackers/types.ts";

export const EVERY = "*";

/** Teams or projects of one tracker: keys, or every one. */
export type TeamSet = ReadonlySet<string> | typeof EVERY;

export interface AccessPolicy {
  /** By channel id, or "*" for every channel. */
  readonly channels: ReadonlyMap<string, Readonly<Partial<Record<TrackerName, TeamSet>>>>;
}

const teamKey = z.string().trim().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "a team or project key such as ENG");
const teams = z.union([z.literal(EVERY), z.array(teamKey)]);
const trackerTeams = z.strictObject(Object.fromEntries(trackerNames.map((name) => [name, teams.optional()])) as Record<TrackerName, z.ZodOptional<typeof teams>>);
const channelId = z.string().regex(/^(\*|[CGD][A-Z0-9]{2,})$/, 'a channel id such as C0123ABCD, or "*"');
const policyFile = z.strictObject({ channels: z.record(channelId, trackerTeams) });

export class AccessPolicyInvalid extends Error {}

/** Parses the text of a policy file (YAML, of which JSON is a part). Throws AccessPolicyInvalid with one line. */
export function parseAccessPolicy(text: string): AccessPolicy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new AccessPolicyInvalid(`not YAML or JSON: ${firstLine((error as Error).message)}`);
  }
  const parsed = policyFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "the file";
    // zod reports a bad record key without the key's own message.
    const message = issue.code === "invalid_key" ? 'not a channel id such as C0123ABCD, or "*"' : issue.message;
    throw new AccessPolicyInvalid(`${where}: ${message}`);
  }
  const channels = new Map<string, Partial<Record<TrackerName, TeamSet>>>();
  for (const [channel, byTracker] of Object.entries(parsed.data.channels)) {
    const entry: Partial<Record<TrackerName, TeamSet>> = {};
    for (const name of trackerNames) {
      const listed = byTracker[name];
      if (listed !== undefined) entry[name] = listed === EVERY ? EVERY : new Set(listed.map((key) => key.toUpperCase()));
    }
    channels.set(channel, entry);
  }
  return { channels };
}

/** Reads the policy file at `path`. Throws AccessPolicyInvalid with one line naming the file. */
export function readAccessPolicy(path: string): AccessPolicy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new AccessPolicyInvalid(`${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (![".yml", ".yaml", ".json"].includes(extname(path).toLowerCase())) {
    throw new AccessPolicyInvalid(`${path} must end in .yml, .yaml or .json`);
  }
  try {
    return parseAccessPolicy(text);
  } catch (error) {
    throw new AccessPolicyInvalid(`${path}: ${(error as Error).message}`);
  }
}

/** Whether stories of `team` (a Linear team or Jira project key) may be run or shown in `channel`. */
export function channelAllows(policy: AccessPolicy, channel: string, tracker: TrackerName, team: string): boolean {
  const key = team.toUpperCase();
  return [channel, EVERY].some((id) => {
    const listed = policy.channels.get(id)?.[tracker];
    return listed === EVERY || (listed !== undefined && listed.has(key));
  });
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.trim();
}
