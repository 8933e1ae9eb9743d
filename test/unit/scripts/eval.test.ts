// The eval's own parts, without an API key: its command line, the per-effort report, and the
// loop on a played Messages API (nock), which shows each level reaching the request.
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { EvalUsageError, parseEvalArgs } from "../../../scripts/eval/args.ts";
import { renderEffortReport, type EvalRow } from "../../../scripts/eval/report.ts";
import { renderEpicsReport, runEpicsEval } from "../../../scripts/eval/epics.ts";
import { runEval } from "../../../scripts/eval/run.ts";
import { silentLogger } from "../../support/logger.ts";
import { API_KEY, BASE_URL, MODEL, ok, playApi } from "../generation/support/anthropic-api.ts";

const STORY = new URL("../../fixtures/stories/checkout-discount-codes.json", import.meta.url).pathname;

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe("the eval's command line", () => {
  it.each([
    [[], { files: [], efforts: [undefined] }],
    [["a.json", "b.json"], { files: ["a.json", "b.json"], efforts: [undefined] }],
    [["--effort", "low,medium,high"], { files: [], efforts: ["low", "medium", "high"] }],
    [["--effort=high,low", "a.json"], { files: ["a.json"], efforts: ["high", "low"] }],
    [["a.json", "--effort", " Low , low,MEDIUM "], { files: ["a.json"], efforts: ["low", "medium"] }],
  ])("reads %j", (argv, expected) => {
    expect(parseEvalArgs(argv)).toEqual(expected);
  });

  it.each([
    [["--effort"], "--effort needs a list of levels"],
    [["--effort", "--other"], "--effort needs a list of levels"],
    [["--effort", ","], "--effort needs a list of levels"],
    [["--effort", "low,max"], "unknown effort max: the levels are low, medium, high"],
    [["--effort", "low", "--effort", "high"], "--effort is given twice"],
    [["--efort", "low"], "unknown option --efort"],
  ])("refuses %j", (argv, message) => {
    expect(() => parseEvalArgs(argv)).toThrow(EvalUsageError);
    expect(() => parseEvalArgs(argv)).toThrow(message);
  });
});

describe("the eval's report", () => {
  const row = (story: string, effort: EvalRow["effort"], tokens: number, costUsd: number, durationMs: number, problems = 0): EvalRow => ({
    story,
    effort,
    subtasks: 5,
    tokens,
    costUsd,
    durationMs,
    problems,
  });

  it("gives each story a row per effort level and each level its totals", () => {
    const rows: EvalRow[] = [
      row("SHOP-412", "low", 3100, 0.0182, 9400),
      row("SHOP-412", "high", 5144, 0.0296, 31_250, 1),
      row("ENG-77", "low", 2800, 0.0151, 8000),
      { story: "ENG-77", effort: "high", subtasks: null, tokens: null, costUsd: null, durationMs: null, problems: 1 },
    ];
    expect(renderEffortReport(rows, undefined)).toBe(
      [
        "story                effort  subtasks  tokens  cost     duration  checks",
        "-------------------  ------  --------  ------  -------  --------  --------",
        "SHOP-412             low     5         3100    $0.0182  9.4 s     ok",
        "SHOP-412             high    5         5144    $0.0296  31.3 s    1 failed",
        "ENG-77               low     5         2800    $0.0151  8.0 s     ok",
        "ENG-77               high    -         -       -        -         failed",
        "total (2/2 stories)  low     10        5900    $0.0333  17.4 s",
        "total (1/2 stories)  high    5         5144    $0.0296  31.3 s",
      ].join("\n"),
    );
  });

  it("names the level of a run without --effort: ANTHROPIC_EFFORT's, or the API's default", () => {
    expect(renderEffortReport([row("SHOP-412", undefined, 3100, 0.0182, 900)], "medium")).toContain("medium (ANTHROPIC_EFFORT)");
    expect(renderEffortReport([row("SHOP-412", undefined, 3100, 0.0182, 900)], undefined)).toContain("API default");
  });
});

describe("the eval's loop", () => {
  it("asks for each story once per effort level, with that level in the request, and reports each", async () => {
    const { bodies } = playApi(ok("message-checkout-subtasks.json"), ok("message-checkout-subtasks.json"));
    const printed: string[] = [];

    const rows = await runEval(
      { anthropic: { apiKey: API_KEY, baseUrl: BASE_URL, model: MODEL }, logger: silentLogger, print: (line) => printed.push(line) },
      [STORY],
      ["low", "high"],
    );

    expect(bodies.map((body) => body.output_config.effort)).toEqual(["low", "high"]);
    expect(rows.map(({ story, effort, subtasks, tokens }) => ({ story, effort, subtasks, tokens }))).toEqual([
      { story: "SHOP-412", effort: "low", subtasks: 5, tokens: 1187 + 2315 + 1642 },
      { story: "SHOP-412", effort: "high", subtasks: 5, tokens: 1187 + 2315 + 1642 },
    ]);
    expect(rows[0]!.costUsd).toBeCloseTo((1187 * 2 + 2315 * 10 + 1642 * 2.5) / 1_000_000, 9);
    expect(printed).toContain("  ── effort low");
    expect(printed).toContain("  ── effort high");
  });

  it("without --effort sends ANTHROPIC_EFFORT's level, or no effort at all when it is unset", async () => {
    const { bodies } = playApi(ok("message-checkout-subtasks.json"), ok("message-checkout-subtasks.json"));
    const anthropic = { apiKey: API_KEY, baseUrl: BASE_URL, model: MODEL };
    await runEval({ anthropic: { ...anthropic, effort: "medium" }, logger: silentLogger, print: () => undefined }, [STORY], [undefined]);
    await runEval({ anthropic, logger: silentLogger, print: () => undefined }, [STORY], [undefined]);
    expect(bodies[0]!.output_config.effort).toBe("medium");
    expect(bodies[1]!.output_config).not.toHaveProperty("effort");
  });
});

describe("the eval's epics", () => {
  const EPIC = new URL("../../fixtures/epics/checkout-one-page.json", import.meta.url).pathname;

  it("prints each epic's stories with their criteria, and stories per epic, criteria per story and the duplicates found", async () => {
    playApi(ok("message-checkout-stories.json"));
    const printed: string[] = [];
    const rows = await runEpicsEval({ anthropic: { apiKey: API_KEY, baseUrl: BASE_URL, model: MODEL }, logger: silentLogger, print: (line) => printed.push(line) }, [EPIC]);

    // The answer repeated SHOP-41, the story a person wrote: dropped, and counted.
    expect(rows).toEqual([{ epic: "SHOP-40", stories: 3, criteriaPerStory: 7 / 3, duplicates: 1, tokens: 1312 + 1604 + 1850, costUsd: expect.any(Number), problems: 0 }]);
    expect(printed).toContain("  dropped (duplicate of existing): As a signed-in shopper I want my saved address filled in so that I do not type it again");
    expect(printed).toContain("  S3   [5 pt] As a signed-in shopper I want my saved cards offered first so that paying takes one click  after S1");
    expect(printed).toContain("        - The CVC is asked again");
    expect(printed).toContain("  ✓ points on the team's scale");
    expect(renderEpicsReport(rows)).toContain("SHOP-40             3             2.3           1    4766  $");
  });
});
