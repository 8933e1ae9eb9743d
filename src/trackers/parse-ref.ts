// Turns what a person typed (a key, a tracker's link, a link as Slack wraps it) into a
// TrackerRef, or a BadReference whose message says what would work instead. Links are each
// tracker's own business (its entry's parseUrl); keys are shared.
import { BadReference } from "./errors.ts";
import { asIssueKey } from "./issue-key.ts";
import { trackerEntries, trackerRegistry } from "./registry.ts";
import type { TrackerName, TrackerRef } from "./types.ts";

export interface ParseRefOptions {
  /** Trackers with credentials. */
  readonly configured: readonly TrackerName[];
  /** DEFAULT_TRACKER: where a bare key goes when several trackers are configured. */
  readonly defaultTracker?: TrackerName | undefined;
  /** Each configured tracker's own site, where it has one (JIRA_BASE_URL). */
  readonly siteUrls?: Partial<Record<TrackerName, string | undefined>>;
}

const whatWorks = `Try an issue key such as ENG-123, or paste the issue's link from ${trackerEntries
  .map((entry) => `${entry.displayName} (${entry.linkExample})`)
  .join(" or ")}.`;

export function parseRef(text: string, options: ParseRefOptions): TrackerRef {
  const input = text.trim();
  const candidate = unwrapSlackLink(input);
  if (candidate === "") throw new BadReference(`Nothing to look up. ${whatWorks}`);

  const key = asIssueKey(candidate);
  if (key) return { tracker: trackerForBareKey(key, options), key, kind: "issue", input };

  const url = asUrl(candidate);
  if (!url) throw new BadReference(`"${shorten(candidate)}" is not an issue key or a link. ${whatWorks}`);

  for (const entry of trackerEntries) {
    const configured = options.configured.includes(entry.name);
    const ref = entry.parseUrl(url, input, { siteUrl: options.siteUrls?.[entry.name], configured, whatWorks });
    if (!ref) continue;
    if (configured) return ref;
    throw new BadReference(`That is a ${entry.displayName} link, but ${entry.displayName} is not configured: ${entry.configureHint}.`);
  }
  throw new BadReference(`${url.host} is not a ${orList(trackerEntries.map((entry) => entry.displayName))} link. ${whatWorks}`);
}

/** Slack sends links as <https://…|label> or <https://…>; a person may also paste them so. */
function unwrapSlackLink(text: string): string {
  const wrapped = /^<([^<>|\s]+)(?:\|[^<>]*)?>$/.exec(text);
  return (wrapped?.[1] ?? text).trim();
}

function asUrl(text: string): URL | null {
  if (!/^https?:\/\//i.test(text)) return null;
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function trackerForBareKey(key: string, options: ParseRefOptions): TrackerName {
  if (options.defaultTracker && options.configured.includes(options.defaultTracker)) return options.defaultTracker;
  const [only, ...others] = options.configured;
  if (only && others.length === 0) return only;
  if (!only) {
    const hints = trackerEntries.map((entry) => entry.configureHint);
    throw new BadReference(`No tracker is configured, so ${key} cannot be looked up: ${hints.join(", or ")}.`);
  }
  const names = options.configured.map((name) => trackerRegistry[name].displayName);
  throw new BadReference(
    `${key} could be ${orList(names.map((name) => `a ${name}`))} issue. Paste the issue's link instead, or set DEFAULT_TRACKER to ${orList(options.configured)}.`,
  );
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
