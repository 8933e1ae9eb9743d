import type { RequestHandler } from "express";
import { collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<"method" | "route" | "status">;
  /** Times every request by its route pattern (not its URL, to keep label values bounded). */
  readonly middleware: RequestHandler;
}

export function createMetrics(): Metrics {
  // One registry per app rather than prom-client's global one, so tests can build many apps.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Duration of HTTP requests by route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = httpDuration.startTimer();
    res.on("finish", () => {
      const pattern = req.route?.path;
      const route = typeof pattern === "string" ? `${req.baseUrl}${pattern}` : req.baseUrl || "unmatched";
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
  return { registry, httpDuration, middleware };
}
