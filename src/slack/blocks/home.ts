// App Home: the person's recent runs with links to their threads, and a short how-to.
// https://docs.slack.dev/surfaces/app-home
import type { types } from "@slack/bolt";
import type { RunSummary } from "../../runs/types.ts";
import { context, divider, fitBlocks, header, LIMITS, section, type Block } from "./message.ts";
import { runListLine } from "./run-list.ts";
import { SETTINGS_OPEN_ACTION_ID } from "./settings-modal.ts";

export type HomeView = types.HomeView;

export function homeView(input: { runs: readonly RunSummary[]; threadUrls: ReadonlyMap<string, string>; now?: Date }): HomeView {
  const blocks: Block[] = [
    header("Subtasks"),
    section(
      [
        "I break user stories into concrete subtasks with Claude and create them in Linear or Jira.",
        "*How to use me* in any channel I am in:",
        "• `/subtasks ENG-123` one story, or several keys, links, or an epic",
        "• `--dry-run` to only look, `--review` to approve each story first, `--count 3-6` to size",
        "• `/subtasks status` for the latest runs in a channel, `/subtasks help` for everything",
      ].join("\n"),
    ),
    {
      type: "actions",
      block_id: "settings",
      elements: [{ type: "button", action_id: SETTINGS_OPEN_ACTION_ID, text: { type: "plain_text", text: "Team settings" }, value: "open" }],
    },
    context("Guidance, subtask count, effort scale, language, review and labels per Linear team or Jira project (admins)."),
    divider,
    section("*Your recent runs*"),
  ];
  if (input.runs.length === 0) blocks.push(context("None yet. Type `/subtasks help` in a channel to start."));
  for (const run of input.runs) {
    blocks.push(section(runListLine(run, { threadUrl: input.threadUrls.get(run.runId), ...(input.now ? { now: input.now } : {}) })));
  }
  return { type: "home", blocks: fitBlocks(blocks, LIMITS.blocksPerView) };
}
