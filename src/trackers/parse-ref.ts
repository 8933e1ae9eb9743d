// Turns what a person typed (a key, a Linear or Jira link, a link as Slack wraps it) into a
// TrackerRef, or a BadReference whose message says what would work instead.

import type { TrackerName } from "../config/config.ts";
import { BadReference, trackerLabel } from "./errors.ts";
import type { TrackerRef } from "./types.ts";

export interface ParseRefOptions {
  /** Trackers with credentials. */
  readonly configured: readonly TrackerName[];
  /** DEFAULT_TRACKER: where a bare key goes when both trackers are configured. */
  readonly defaultTracker?: TrackerName | undefined;
  /**
   * JIRA_BASE_URL, when Jira is configured: links to this host are Jira links even on a custom
   * domain, and links to another Atlassian site are refused instead of failing later as not found.
   */
  readonly jiraBaseUrl?: string | undefined;
}

// Jira project keys start with a letter and hold letters, digits and underscores; Linear team
// keys are letters and digits. Both are followed by a dash and a positive number.
const keyPattern = /^([A-Za-z][A-Za-z0-9_]*)-([1-9][0-9]*)$/;

const whatWorks =
  "Try an issue key such as ENG-123, or paste the issue's link from Linear (https://linear.app/…/issue/ENG-123) or Jira (https://…atlassian.net/browse/PROJ-42).";

const configureHint: Record<TrackerName, string> = {
  linear: "set LINEAR_API_KEY",
  jira: "set JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN",
};

export function parseRef(text: string, options: ParseRefOptions): TrackerRef {
  const input = text.trim();
  const candidate = unwrapSlackLink(input);
  if (candidate === "") throw new BadReference(`Nothing to look up. ${whatWorks}`);

  const key = asKey(candidate);
  if (key) return { tracker: trackerForBareKey(key, options), key, kind: "issue", input };

  const url = asUrl(candidate);
  if (!url) throw new BadReference(`"${shorten(candidate)}" is not an issue key or a link. ${whatWorks}`);

  const linear = parseLinearUrl(url, input);
  if (linear) return requireConfigured(linear, options);
  const jira = parseJiraUrl(url, input, options);
  if (jira) return requireConfigured(jira, options);
  throw new BadReference(`${url.host} is not a Linear or Jira link. ${whatWorks}`);
}

/** Slack sends links as <https://…|label> or <https://…>; a person may also paste them so. */
function unwrapSlackLink(text: string): string {
  const wrapped = /^<([^<>|\s]+)(?:\|[^<>]*)?>$/.exec(text);
  return (wrapped?.[1] ?? text).trim();
}

function asKey(text: string): string | null {
  const match = keyPattern.exec(text);
  return match ? text.toUpperCase() : null;
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
    throw new BadReference(
      `No tracker is configured, so ${key} cannot be looked up: ${configureHint.linear}, or ${configureHint.jira}.`,
    );
  }
  throw new BadReference(
    `${key} could be a Linear or a Jira issue. Paste the issue's link instead, or set DEFAULT_TRACKER to linear or jira.`,
  );
}

function requireConfigured(ref: TrackerRef, options: ParseRefOptions): TrackerRef {
  if (options.configured.includes(ref.tracker)) return ref;
  throw new BadReference(
    `That is a ${trackerLabel(ref.tracker)} link, but ${trackerLabel(ref.tracker)} is not configured: ${configureHint[ref.tracker]}.`,
  );
}

// https://linear.app/<org>/issue/ENG-123/optional-slug
// https://linear.app/<org>/project/<name-slug>-<slugId>/overview
function parseLinearUrl(url: URL, input: string): TrackerRef | null {
  const host = url.hostname.toLowerCase();
  if (host !== "linear.app" && !host.endsWith(".linear.app")) return null;
  const [, section, id] = url.pathname.split("/").filter(Boolean);
  if (section === "issue" && id) {
    const key = asKey(decodeURIComponent(id));
    if (key) return { tracker: "linear", key, kind: "issue", input };
  }
  if (section === "project" && id) {
    // The segment is the project's name slug followed by its slugId; Linear's `project(id:)`
    // query accepts the slugId ("Returns a single project by its identifier or URL slug").
    const slugId = decodeURIComponent(id).split("-").at(-1);
    if (slugId && /^[A-Za-z0-9]+$/.test(slugId)) return { tracker: "linear", key: slugId, kind: "project", input };
  }
  throw new BadReference(`That Linear link is not an issue or a project. ${whatWorks}`);
}

// https://<site>.atlassian.net/browse/PROJ-42
// https://<site>.atlassian.net/jira/software/projects/PROJ/boards/1?selectedIssue=PROJ-42
// https://<site>.atlassian.net/jira/software/c/projects/PROJ/issues/PROJ-42
function parseJiraUrl(url: URL, input: string, options: ParseRefOptions): TrackerRef | null {
  const host = url.hostname.toLowerCase();
  const configuredHost = jiraHost(options.jiraBaseUrl);
  const isAtlassian = host.endsWith(".atlassian.net");
  if (!isAtlassian && host !== configuredHost) return null;
  if (configuredHost && host !== configuredHost && options.configured.includes("jira")) {
    throw new BadReference(`That link is to ${host}, but the bot is connected to Jira at ${configuredHost}.`);
  }

  const selected = url.searchParams.get("selectedIssue");
  const selectedKey = selected ? asKey(selected.trim()) : null;
  if (selectedKey) return { tracker: "jira", key: selectedKey, kind: "issue", input };

  const segments = url.pathname.split("/").filter(Boolean).map((segment) => decodeURIComponent(segment));
  for (const [index, segment] of segments.entries()) {
    const next = segments[index + 1];
    if ((segment === "browse" || segment === "issues") && next) {
      const key = asKey(next);
      if (key) return { tracker: "jira", key, kind: "issue", input };
    }
  }
  throw new BadReference(`That Jira link does not point at one issue. ${whatWorks}`);
}

function jiraHost(baseUrl: string | undefined): string | undefined {
  if (!baseUrl) return undefined;
  try {
    return new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
