// What the bot knows about one tracker, in one object per tracker (see registry.ts). Everything
// that used to switch on "linear" or "jira" asks the tracker's entry instead.
import type { Sleep } from "../async/sleep.ts";
import type { CallBudget } from "../budget/call-budget.ts";
import type { VariableSpecs, VariableValues } from "../config/variable-spec.ts";
import type { Logger } from "../log/logger.ts";
import type { Check } from "../operate/checklist.ts";
import type { SetupReport } from "../operate/setup-report.ts";
import type { Tracker, TrackerIdentity, TrackerRef } from "./types.ts";

export interface AdapterDeps<C> {
  readonly config: C;
  readonly logger: Logger;
  readonly sleep?: Sleep;
  readonly now?: () => number;
  /** The workspace's requests in flight and pace, shared by every process; unset: not limited. */
  readonly budget?: CallBudget;
}

/** What `subtasks setup` and `subtasks doctor` give a tracker. */
export interface OperateDeps<C> {
  readonly config: C;
  readonly logger: Logger;
  /** Where its webhook must point (`${PUBLIC_URL}/webhooks/<name>`); undefined: PUBLIC_URL is unset. */
  readonly webhookUrl: string | undefined;
  /** The labels the bot uses: TRIGGER_LABEL, DONE_LABEL, FAILED_LABEL and its own. */
  readonly labels: readonly string[];
}

export interface SetupOptions {
  /** Teams or projects named with --team / --project; empty: the whole workspace. */
  readonly scopes: readonly string[];
  /** Report what would be done, change nothing. */
  readonly dryRun: boolean;
}

export interface UrlContext {
  /** The tracker's own site, when it has one (a Jira Cloud site on a custom domain). */
  readonly siteUrl: string | undefined;
  /** Whether the bot has credentials for this tracker. */
  readonly configured: boolean;
  /** The sentence that says which references work, to end a problem with. */
  readonly whatWorks: string;
}

export interface TrackerEntry<V extends VariableSpecs = VariableSpecs, C = unknown> extends TrackerIdentity {
  /** The environment variables that configure it, with their documentation. */
  readonly variables: V;
  /** Its rows of the README's configuration table: variables documented together share one. */
  readonly docRows: readonly (readonly (keyof V & string)[])[];
  /** What it calls the group a story belongs to (TrackerStory.team): "team", "project". */
  readonly teamNoun: string;
  /** A link to one of its issues as people paste it, for messages: "https://linear.app/…/issue/ENG-123". */
  readonly linkExample: string;
  /** What an operator sets to turn it on, for messages: "set LINEAR_API_KEY". */
  readonly configureHint: string;
  /** Its configuration; null when it is off (no credentials). Throws ConfigError for half a configuration. */
  readConfig(values: VariableValues<V>): C | null;
  /**
   * The name of the rate-limit budget its requests share: one per workspace (or site) and
   * credential, the unit its provider counts requests in. Never contains a secret.
   */
  budgetName(config: C): string;
  /** Its line in the start-up log, e.g. "on (webhooks on)"; never a secret. */
  describe(config: C): string;
  /** Its own site, when links to it are recognised by that host. */
  siteUrl(config: C): string | undefined;
  /**
   * A link as a reference to one of its issues or projects; null when the link is not its
   * own. Throws BadReference for a link of its own that points at nothing the bot can use.
   */
  parseUrl(url: URL, input: string, context: UrlContext): TrackerRef | null;
  /** Its adapter of the Tracker port. */
  create(deps: AdapterDeps<C>): Tracker;
  /** `subtasks setup <name>`: creates what the bot needs in the tracker where it is missing. */
  setup(deps: OperateDeps<C>, options: SetupOptions): Promise<SetupReport>;
  /** `subtasks doctor` and the start-up summary: live checks of its credentials and set-up. */
  checks(deps: OperateDeps<C>): Check[];
  /**
   * Credentials as they travel, made from its secret variables (a Basic header's base64), so
   * the log scrubs them as well as the variables themselves. None when it sends them as set.
   */
  derivedSecrets?(config: C): readonly string[];
}

/** The configuration type of an entry. */
export type ConfigOf<E> = E extends TrackerEntry<VariableSpecs, infer C> ? C : never;
