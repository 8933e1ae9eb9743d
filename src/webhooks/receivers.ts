// The trackers that send webhooks, and how each one's deliveries are handled. The route
// (/webhooks/<name>) and the provider recorded with each delivery come from the tracker's
// registry entry; a tracker without webhooks has no line here.
import type { TrackerConfigs } from "../trackers/registry.ts";
import type { TrackerName } from "../trackers/types.ts";
import { jiraDeliveryHandler } from "./jira/handler.ts";
import { linearDeliveryHandler } from "./linear/handler.ts";
import type { DeliveryHandler } from "./route.ts";
import type { ReceiveDeps } from "./start-label-run.ts";

export type ReceiverFactory<N extends TrackerName> = (deps: ReceiveDeps, config: TrackerConfigs[N]) => DeliveryHandler;

export const webhookReceivers: { readonly [N in TrackerName]?: ReceiverFactory<N> } = {
  linear: linearDeliveryHandler,
  jira: jiraDeliveryHandler,
};
