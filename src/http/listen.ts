import { once } from "node:events";
import type { Server } from "node:http";
import type { Express } from "express";

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** Stops accepting connections and resolves when in-flight requests have finished. */
  close(timeoutMs?: number): Promise<void>;
}

export async function listen(app: Express, port: number): Promise<RunningServer> {
  const server = app.listen(port);
  await once(server, "listening");
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  return {
    server,
    port: boundPort,
    async close(timeoutMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections that carry no request would hold close() open forever.
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
      try {
        await closed;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
