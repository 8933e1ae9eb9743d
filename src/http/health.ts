import { Router } from "express";

export interface ReadinessReport {
  readonly ready: boolean;
  /** Why the service is not ready, for the operator reading /readyz. */
  readonly reason?: string;
  readonly checks: Record<string, "ok" | string>;
}

export type ReadinessCheck = () => Promise<ReadinessReport>;

export function healthRouter(checkReadiness: ReadinessCheck): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const report = await checkReadiness();
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? "ready" : "not_ready", ...report });
  });
  return router;
}
