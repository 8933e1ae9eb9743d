import { Counter, type Registry } from "prom-client";
import type { WebhookProvider } from "./outcome.ts";

export type DeliveryResult = "started" | "accepted" | "duplicate" | "ignored" | "refused" | "invalid" | "unavailable";

export type DeliveryCounter = (provider: WebhookProvider, result: DeliveryResult) => void;

/** webhook_deliveries_total{provider, result}: what became of each delivery, refused ones included. */
export function deliveriesCounter(registry: Registry | undefined): DeliveryCounter {
  if (!registry) return () => undefined;
  const counter = new Counter({
    name: "webhook_deliveries_total",
    help: "Tracker webhook deliveries by provider and result",
    labelNames: ["provider", "result"] as const,
    registers: [registry],
  });
  return (provider, result) => counter.inc({ provider: provider.toLowerCase(), result });
}
