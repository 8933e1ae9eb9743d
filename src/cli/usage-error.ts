/** A command line the CLI cannot act on; its message says what would work (exit code 2). */
export class UsageError extends Error {}
