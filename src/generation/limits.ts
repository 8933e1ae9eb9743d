// How much text a person may give the engine: bounded, so one paste cannot cost a fortune or
// crowd the story out of the prompt. The Slack modals, the CLI and the prompt use the same limits.

/** One instruction (a command's text, or a Refine). */
export const MAX_INSTRUCTION_CHARS = 1_000;

/** A team's guidance (definition of done, stack, naming). */
export const MAX_GUIDANCE_CHARS = 4_000;
