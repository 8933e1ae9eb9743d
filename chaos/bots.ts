// The bot processes under test: the real service (src/main.ts) as an operator starts it, each on
// its own port, all on one database. kill() is kill -9; start() brings the same bot back.
// npm run bench:epic starts them too, from another checkout when it measures an older commit.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

export interface Bot {
  readonly name: string;
  readonly url: string;
  readonly up: boolean;
  /** The running process's id (for its memory in /proc), undefined before a start. */
  readonly pid: number | undefined;
  start(): Promise<void>;
  /** SIGKILL, no goodbye; resolves when the process is gone. */
  kill(): Promise<void>;
}

export interface BotOptions {
  /** The service's entry to start; default this checkout's src/main.ts (a bench may measure another commit's). */
  readonly main?: string;
  /** Its working directory; default this process's (another checkout's files are found from its own root). */
  readonly cwd?: string;
}

export function createBot(name: string, port: number, env: Record<string, string>, logPath: string, options: BotOptions = {}): Bot {
  const main = options.main ?? MAIN;
  let child: ChildProcess | undefined;
  let up = false;
  /** A start in flight: a second start() waits for it instead of racing it for the port. */
  let starting: Promise<void> | undefined;
  const log: WriteStream = createWriteStream(logPath, { flags: "a" });
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    get up() {
      return up;
    },
    get pid() {
      return child?.pid;
    },
    start() {
      starting ??= launch().finally(() => (starting = undefined));
      return starting;
    },
    async kill() {
      const target = child;
      if (!target || exited(target)) return;
      up = false;
      const gone = new Promise((resolve) => target.once("exit", resolve));
      target.kill("SIGKILL");
      await gone;
    },
  };

  async function launch(): Promise<void> {
    child = spawn(process.execPath, ["--experimental-strip-types", "--disable-warning=ExperimentalWarning", main], {
      env: { ...process.env, ...env, PORT: String(port) },
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const started = child;
    started.once("exit", () => {
      if (child === started) up = false;
    });
    // Ready once its HTTP server answers (it listens after the core has started).
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (exited(started)) throw new Error(`${name} exited with ${started.exitCode} while starting (see ${logPath})`);
      try {
        await fetch(`http://127.0.0.1:${port}/metrics`);
        up = true;
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    throw new Error(`${name} did not start within 60 s (see ${logPath})`);
  }
}

/** Whether a child has ended, by its own exit or by a signal (a SIGKILLed child has no exit code). */
function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** A port free on 127.0.0.1 right now, for a bot to listen on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
