// A tracker's first doctor line: can its credentials read the account? Refused credentials and
// an unreachable site call for different fixes.
import { failed, passed, type Check } from "../../operate/checklist.ts";
import { TrackerAuthFailed } from "../errors.ts";

export function accountCheck<A>(options: {
  readonly name: string;
  readonly read: () => Promise<A>;
  /** What the account line says: "Ana (admin) in Acme". */
  readonly describe: (account: A) => string;
  /** What to check when the credentials are refused. */
  readonly credentialsFix: string;
  /** The setting that says where the tracker is (LINEAR_API_URL, JIRA_BASE_URL). */
  readonly siteSetting: string;
}): Check {
  return {
    name: options.name,
    async run() {
      const account = await options.read().catch((error: Error) => error);
      if (account instanceof TrackerAuthFailed) return failed(account.message, options.credentialsFix);
      if (account instanceof Error) return failed(account.message, `check the network and ${options.siteSetting}, then run \`subtasks doctor\` again`);
      return passed(options.describe(account));
    },
  };
}
