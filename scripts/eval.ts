// Runs the generation engine on the story fixtures against the real API and prints, per story,
// the subtasks, tokens, cost and simple checks, and at the end the tokens, cost and duration of
// every story at each effort level asked for. Costs money; skipped without ANTHROPIC_API_KEY.
//   npm run eval                                        every test/fixtures/stories/*.json, then every
//                                                       test/fixtures/epics/*.json (stories from an epic)
//   npm run eval -- test/fixtures/stories/x.json        some of them
//   npm run eval -- --effort low,medium,high            each story once per level
// Uses ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, ANTHROPIC_MODEL and ANTHROPIC_EFFORT like the bot;
// LOG_LEVEL=debug shows the engine's logs. Exits 1 when a story fails or a check does not hold.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { parseConfig } from "../src/config/config.ts";
import { createLogger } from "../src/log/logger.ts";
import { EvalUsageError, parseEvalArgs, type EvalArgs } from "./eval/args.ts";
import { renderEffortReport } from "./eval/report.ts";
import { renderEpicsReport, runEpicsEval } from "./eval/epics.ts";
import { runEval } from "./eval/run.ts";

let args: EvalArgs;
try {
  args = parseEvalArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof EvalUsageError)) throw error;
  console.error(error.message);
  process.exit(2);
}

const config = parseConfig(process.env);
if (!config.anthropic.apiKey) {
  console.log("eval skipped: ANTHROPIC_API_KEY is not set (the eval calls the real API and costs money).");
  process.exit(0);
}

const jsonIn = async (dir: string) => (await readdir(dir)).filter((file) => file.endsWith(".json")).sort().map((file) => path.join(dir, file));
// A file under an epics folder is an epic (stories from an epic); any other is a story.
const isEpicFile = (file: string) => path.dirname(path.resolve(file)).split(path.sep).includes("epics");
const given = args.files.length > 0;
const files = given ? args.files.filter((file) => !isEpicFile(file)) : await jsonIn("test/fixtures/stories");
const epicFiles = given ? args.files.filter(isEpicFile) : await jsonIn("test/fixtures/epics");

const logger = createLogger({ level: process.env["LOG_LEVEL"] ?? "warn", secrets: config.secrets });
console.log(`eval: ${files.length} stories and ${epicFiles.length} epics, model ${config.anthropic.model}, base URL ${config.anthropic.baseUrl}\n`);
const rows = await runEval({ anthropic: config.anthropic, logger, print: (line) => console.log(line) }, files, args.efforts);
const epicRows = await runEpicsEval({ anthropic: config.anthropic, logger, print: (line) => console.log(line) }, epicFiles);

if (rows.length > 0) console.log(renderEffortReport(rows, config.anthropic.effort));
if (epicRows.length > 0) console.log(`\nStories from epics\n${renderEpicsReport(epicRows)}`);
const failures = [...rows, ...epicRows].reduce((total, row) => total + row.problems, 0);
console.log(`\n${failures === 0 ? "all checks hold" : `${failures} failed check(s) or stories`}`);
process.exit(failures === 0 ? 0 : 1);
