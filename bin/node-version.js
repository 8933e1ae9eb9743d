// The Node.js version check that runs before anything else (`npm start`, bin/subtasks.js).
// Plain JavaScript, written for any Node that can load an ES module: on an older Node the
// TypeScript sources cannot even be parsed, and Node only says "bad option:
// --experimental-strip-types". Run as a script, it exits 1 with the reason on an old Node.
import { pathToFileURL } from "node:url";

/** The oldest Node that runs the sources: type stripping arrived (behind a flag) in 22.12. */
export const MINIMUM_NODE = "22.12";

const HOW_TO_GET_IT =
  "install Node.js 24 from https://nodejs.org/en/download (or `nvm install 24`, or `fnm install 24`), then run `npm ci` again";

/** Null when `version` ("20.19.5") can run the bot; otherwise the one line to print. */
export function nodeVersionProblem(version) {
  const [major, minor] = version.split(".").map(Number);
  const [needMajor, needMinor] = MINIMUM_NODE.split(".").map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return null;
  return `subtasks-bot needs Node.js ${MINIMUM_NODE} or later (this is ${version}): ${HOW_TO_GET_IT}`;
}

/** Exits the process with code 1 and the reason on stderr when this Node is too old. */
export function requireSupportedNode() {
  const problem = nodeVersionProblem(process.versions.node);
  if (problem === null) return;
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) requireSupportedNode();
