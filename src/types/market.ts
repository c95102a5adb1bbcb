/**
 * Market services, searches and orders.
 *
 * @module
 */
import type {
  ExecutionMode,
  IntegrationStatus,
  MarketBudget,
  MarketHandoff,
  MarketPricing,
  ProviderCredentials,
  ServiceType,
} from "./common.ts";
import type { MarketPayment, PaymentRecommendation } from "./payments.ts";

/**
 * One input or output field of an operation contract. `type` is a JSON type name (`"string"`,
 * `"number"`, `"integer"`, `"boolean"`, `"object"`, `"array"`).
 *
 * `required` is this project's addition to the public shape: `false` marks an optional input;
 * absent or `true` means the field must be present (the sandbox reads it so; output fields do
 * not carry it).
 *
 * @example Usage
 * ```ts
 * import type { OperationField } from "@peaqos/peaq-os-sdk";
 *
 * const pair: OperationField = { key: "pair", type: "string", description: "Asset pair such as 'ETH/USD'" };
 * const maxAge: OperationField = { key: "maxAgeSeconds", type: "integer", required: false };
 * ```
 */
export type OperationField = {
  readonly key: string;
  readonly type: string;
  readonly description?: string | undefined;
  readonly required?: boolean | undefined;
};

/**
 * What one operation of a service takes and gives: its input and output fields, and
 * `exampleInput`, a ready-to-use `input` for `createMarketOrder`.
 *
 * @example Order with the contract's example input
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 * declare const agentPairingId: string;
 * declare const pairingToken: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: service } = await client.orchestration.getMarketService("svc_x402_price_feed");
 * const contract = service.operationContracts[0]!;
 * await client.orchestration.createMarketOrder(
 *   { machineId, agentPairingId, serviceId: service.id, operation: contract.operation, input: contract.exampleInput },
 *   pairingToken,
 * );
 * ```
 */
export type OperationContract = {
  readonly operation: string;
  readonly summary: string;
  readonly notes: readonly string[];
  readonly inputFields: readonly OperationField[];
  readonly outputFields: readonly OperationField[];
  readonly exampleInput: Readonly<Record<string, unknown>>;
};

/**
 * Where and how a service is reached: an HTTP endpoint per operation, with the payment
 * protocols (`["x402"]`, `["mpp"]`) and networks (`["base"]`, `["solana"]`) it speaks.
 *
 * @example Does the service take x402 payments on Base?
 * ```ts
 * import type { ServiceEndpoint } from "@peaqos/peaq-os-sdk";
 *
 * function x402OnBase(endpoint: ServiceEndpoint): boolean {
 *   return endpoint.protocols.includes("x402") && endpoint.networks.includes("base");
 * }
 * ```
 */
export type ServiceEndpoint = {
  readonly label?: string | null | undefined;
  readonly operation?: string | null | undefined;
  readonly url?: string | null | undefined;
  readonly method?: string | null | undefined;
  readonly path?: string | null | undefined;
  readonly providerName?: string | null | undefined;
  readonly key?: string | null | undefined;
  readonly protocols: readonly string[];
  readonly networks: readonly string[];
};

/**
 * A service offered on the market, orderable from what it describes: `operationContracts` say
 * what each operation takes (with an example input), `payment` how to pay, `endpoints` where it
 * runs. Catalogue listings may add the provider fields (`providerId` to `artifactUrl`).
 *
 * @example From `getMarketService`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const serviceId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: service } = await client.orchestration.getMarketService(serviceId);
 * console.log(service.name, service.pricing.amount, service.pricing.rate, service.payment.defaultRail);
 * ```
 */
export type MarketService = {
  readonly id: string;
  readonly skillKey: string;
  readonly providerKey: string;
  readonly companyName: string;
  readonly serviceType: ServiceType;
  readonly name: string;
  readonly description: string;
  readonly operations: readonly string[];
  readonly executionMode: ExecutionMode;
  readonly integrationStatus: IntegrationStatus;
  readonly region: string;
  readonly capabilities: readonly string[];
  readonly handoff: MarketHandoff | null;
  readonly pricing: MarketPricing;
  readonly payment: PaymentRecommendation;
  readonly endpoints: readonly ServiceEndpoint[];
  readonly operationContracts: readonly OperationContract[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly providerId?: string | undefined;
  readonly providerLabel?: string | undefined;
  readonly authType?:
    | "none"
    | "bearer"
    | "api-key"
    | "wallet"
    | "local"
    | undefined;
  readonly accessMode?:
    | "public"
    | "credentialed"
    | "partner-approved"
    | "whitelisted"
    | "local"
    | undefined;
  readonly distribution?:
    | "peaq-native"
    | "clawhub"
    | "openapi"
    | "mcp"
    | "docs-only"
    | undefined;
  readonly maturity?: "reference" | "beta" | "production" | undefined;
  readonly kind?: "runtime" | "reference" | undefined;
  /** How old, in seconds, the provider's data may be. */
  readonly freshnessSeconds?: number | undefined;
  /** Whether a person must enable the service (e.g. with the partner) before machines use it. */
  readonly requiresHumanEnablement?: boolean | undefined;
  readonly referenceUrl?: string | undefined;
  readonly artifactUrl?: string | undefined;
};

/**
 * Options of `listMarketServices`.
 *
 * @example Usage
 * ```ts
 * import type { ListMarketServicesOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: ListMarketServicesOptions = { serviceType: "oracle.price-feed", executionMode: "native", limit: 50 };
 * ```
 */
export type ListMarketServicesOptions = {
  readonly machineId?: string | undefined;
  readonly serviceType?: ServiceType | undefined;
  readonly executionMode?: ExecutionMode | undefined;
  readonly providerKey?: string | undefined;
  // Kept as `ListQuery` spells them, which the `*All` iterators pass through.
  readonly cursor?: string | null | undefined;
  readonly limit?: number | undefined;
};

/**
 * Options of `getMarketService`.
 *
 * @example Usage
 * ```ts
 * import type { GetMarketServiceOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: GetMarketServiceOptions = { machineId: "mach_4821" };
 * ```
 */
export type GetMarketServiceOptions = {
  readonly machineId?: string | undefined;
};

/**
 * A search's budget: `max` caps a quote's price (`amount` does when `max` is absent), and
 * `currency` keeps only services priced in it (free services pass any budget).
 *
 * @example Usage
 * ```ts
 * import type { MarketSearchBudget } from "@peaqos/peaq-os-sdk";
 *
 * const budget: MarketSearchBudget = { max: 20, currency: "USDC" };
 * ```
 */
export type MarketSearchBudget = {
  readonly amount?: number | undefined;
  readonly max?: number | undefined;
  readonly currency?: string | undefined;
};

/**
 * Body of `searchMarket`: the public CLI's search vocabulary. Every filter is optional; quotes
 * explain in `reasons` how each matched.
 *
 * @example Usage
 * ```ts
 * import type { MarketSearchRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: MarketSearchRequest = {
 *   machineId: "mach_4821",
 *   agentPairingId: "pair_19ce",
 *   serviceType: "data.location",
 *   capabilities: ["gps"],
 *   region: "eu-west",
 *   budget: { max: 20, currency: "USDC" },
 *   nativeOnly: true,
 *   maxResults: 5,
 * };
 * ```
 */
export type MarketSearchRequest = {
  readonly machineId: string;
  readonly agentPairingId: string;
  readonly serviceType?: ServiceType | undefined;
  /** Only services offering this operation; the quotes are for it. */
  readonly operation?: string | undefined;
  /** Free text matched against service names, descriptions and capabilities. */
  readonly query?: string | undefined;
  /** Services must offer at least one of these; more matches rank higher. */
  readonly capabilities?: readonly string[] | undefined;
  /** Services in this region, or serving every region (`"global"`). */
  readonly region?: string | undefined;
  /** At most this many quotes (1..50, default 10). */
  readonly maxResults?: number | undefined;
  readonly budget?: MarketSearchBudget | undefined;
  /** Leave out external-handoff services. */
  readonly nativeOnly?: boolean | undefined;
  /** `false` leaves out external-handoff services, like `nativeOnly`. */
  readonly allowHandoff?: boolean | undefined;
  /** Per-provider credentials for ranking credentialed services; never stored or echoed. */
  readonly providerCredentials?: ProviderCredentials | undefined;
};

/**
 * A priced, expiring offer for one service.
 *
 * @example Pick the cheapest fixed-price quote
 * ```ts
 * import type { MarketQuote } from "@peaqos/peaq-os-sdk";
 *
 * function cheapest(quotes: readonly MarketQuote[]): MarketQuote | undefined {
 *   return quotes.filter((q) => q.pricing.mode === "fixed" && q.pricing.amount !== null)
 *     .sort((a, b) => (a.pricing.amount ?? 0) - (b.pricing.amount ?? 0))[0];
 * }
 * ```
 */
export type MarketQuote = {
  readonly id: string;
  readonly serviceId: string;
  readonly skillKey: string;
  readonly providerKey: string;
  readonly executionMode: ExecutionMode;
  readonly integrationStatus: IntegrationStatus;
  readonly operation: string;
  /** 0..1, higher is better. */
  readonly score: number;
  /** Why the service matched and ranked where it did, one line each. */
  readonly reasons: readonly string[];
  readonly pricing: MarketPricing;
  readonly payment: PaymentRecommendation;
  readonly expiresAt: string;
};

/**
 * The result of a market search, ranked best first.
 *
 * @example From `searchMarket`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 * declare const agentPairingId: string;
 * declare const pairingToken: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: search } = await client.orchestration.searchMarket(
 *   { machineId, agentPairingId, serviceType: "oracle.price-feed", budget: { max: 1, currency: "USDC" } },
 *   pairingToken,
 * );
 * if (search.status === "matched") console.log(search.quotes[0]?.serviceId, search.quotes[0]?.reasons);
 * ```
 */
export type MarketSearch = {
  readonly id: string;
  readonly machineId: string;
  readonly agentPairingId: string;
  readonly status: "matched" | "no_match";
  readonly quotes: readonly MarketQuote[];
  readonly createdAt: string;
};

/**
 * Status of a market order.
 *
 * @example Usage
 * ```ts
 * import type { MarketOrderStatus } from "@peaqos/peaq-os-sdk";
 *
 * const marketOrderStatus: MarketOrderStatus = "payment_pending";
 * ```
 */
export type MarketOrderStatus =
  | "created"
  | "payment_pending"
  | "ready"
  | "executing"
  | "delivered"
  | "confirmed"
  | "disputed"
  | "cancelled"
  | "failed"
  | "handoff";

/**
 * A market order. `payment` is the service's payment recommendation (which rail, and whether
 * paying is required before execution), copied when the order was placed; the payment record
 * itself comes from `getMarketPayment`. `budget.amount` is a JSON number.
 *
 * Status: `created` → (`payment_pending` while a payment intent awaits its proof) → `ready` →
 * `executing` → `delivered` (native) or `handoff` (external) → `confirmed`; an order whose
 * `payment.required` is `false` may be executed straight from `created`.
 *
 * @example From `getMarketOrder`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const orderId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: order } = await client.orchestration.getMarketOrder(orderId);
 * console.log(order.status, order.payment?.defaultRail, order.errorMessage);
 * ```
 *
 * @example Does the order need paying before it runs?
 * ```ts
 * import type { MarketOrder } from "@peaqos/peaq-os-sdk";
 *
 * function needsPayment(order: MarketOrder): boolean {
 *   return order.status === "created" && order.payment?.required === true;
 * }
 * ```
 */
export type MarketOrder = {
  readonly id: string;
  readonly machineId: string;
  readonly agentPairingId: string;
  readonly searchId: string | null;
  readonly quoteId: string | null;
  readonly serviceId: string;
  readonly skillKey: string;
  readonly providerKey: string;
  readonly serviceType: ServiceType;
  readonly operation: string;
  readonly executionMode: ExecutionMode;
  readonly integrationStatus: IntegrationStatus;
  readonly status: MarketOrderStatus;
  readonly input: Readonly<Record<string, unknown>>;
  readonly budget: MarketBudget | null;
  readonly payment: PaymentRecommendation | null;
  readonly serviceSnapshot: MarketService;
  readonly taskId: string | null;
  readonly routeId: string | null;
  readonly runId: string | null;
  readonly outcomeId: string | null;
  readonly handoff: MarketHandoff | null;
  readonly errorMessage: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/**
 * Options of `listMarketOrders`.
 *
 * @example Usage
 * ```ts
 * import type { ListMarketOrdersOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: ListMarketOrdersOptions = { machineId: "mach_4821", limit: 20 };
 * ```
 */
export type ListMarketOrdersOptions = {
  readonly machineId: string;
  readonly cursor?: string | null | undefined;
  readonly limit?: number | undefined;
};

/**
 * Body of `createMarketOrder`. `budget.amount` is a JSON number (finite, non-negative, at most
 * 18 decimal places); an order priced above it, or in another currency, is refused.
 *
 * @example Usage
 * ```ts
 * import type { CreateMarketOrderRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: CreateMarketOrderRequest = {
 *   machineId: "mach_4821",
 *   agentPairingId: "pair_19ce",
 *   serviceId: "svc_aerial_mapping",
 *   budget: { amount: 25, currency: "USDT" },
 * };
 * ```
 */
export type CreateMarketOrderRequest = {
  readonly machineId: string;
  readonly agentPairingId: string;
  readonly serviceId: string;
  readonly searchId?: string | undefined;
  readonly quoteId?: string | undefined;
  readonly operation?: string | undefined;
  readonly input?: Readonly<Record<string, unknown>> | undefined;
  readonly budget?: MarketBudget | null | undefined;
  /** Redacted by the server before the body is persisted. */
  readonly providerCredentials?: ProviderCredentials | undefined;
};

/**
 * Body of `executeMarketOrder`.
 *
 * @example Usage
 * ```ts
 * import type { ExecuteMarketOrderRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: ExecuteMarketOrderRequest = { input: { areaHectares: 12 } };
 * ```
 */
export type ExecuteMarketOrderRequest = {
  readonly input?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * A run of a native execution.
 *
 * @example How long a run took
 * ```ts
 * import type { MarketRun } from "@peaqos/peaq-os-sdk";
 *
 * function durationMs(run: MarketRun): number {
 *   return Date.parse(run.completedAt) - Date.parse(run.startedAt);
 * }
 * ```
 */
export type MarketRun = {
  readonly id: string;
  readonly orderId: string;
  readonly providerKey: string;
  readonly operation: string;
  readonly status: "succeeded" | "failed";
  readonly startedAt: string;
  readonly completedAt: string;
};

/**
 * What a native execution produced.
 *
 * @example Read the result
 * ```ts
 * import type { MarketOutcome } from "@peaqos/peaq-os-sdk";
 *
 * function report(outcome: MarketOutcome): string {
 *   return outcome.status === "succeeded" ? outcome.summary : `failed: ${outcome.summary}`;
 * }
 * ```
 */
export type MarketOutcome = {
  readonly id: string;
  readonly runId: string;
  readonly status: "succeeded" | "failed";
  readonly output: Readonly<Record<string, unknown>>;
  readonly summary: string;
};

/**
 * `executeMarketOrder` result for a native execution (HTTP 200).
 *
 * @example Read the outcome
 * ```ts
 * import type { NativeExecutionResponse } from "@peaqos/peaq-os-sdk";
 *
 * function outputOf(response: NativeExecutionResponse): Readonly<Record<string, unknown>> {
 *   return response.execution.outcome.output;
 * }
 * ```
 */
export type NativeExecutionResponse = {
  readonly order: MarketOrder;
  readonly execution: {
    readonly statusCode: 200;
    readonly mode: "native";
    readonly run: MarketRun;
    readonly outcome: MarketOutcome;
  };
};

/**
 * `executeMarketOrder` result for an external handoff (HTTP 202).
 *
 * @example Where to continue
 * ```ts
 * import type { HandoffExecutionResponse } from "@peaqos/peaq-os-sdk";
 *
 * function handoffUrl(response: HandoffExecutionResponse): string {
 *   return response.execution.handoff.url;
 * }
 * ```
 */
export type HandoffExecutionResponse = {
  readonly order: MarketOrder;
  readonly execution: {
    readonly statusCode: 202;
    readonly mode: "external-handoff";
    readonly handoff: MarketHandoff;
  };
};

/**
 * `executeMarketOrder` result, discriminated on `execution.statusCode`.
 *
 * @example From `executeMarketOrder`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const pairingToken: string;
 * declare const orderId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const result = await client.orchestration.executeMarketOrder(orderId, {}, pairingToken);
 * if (result.execution.statusCode === 200) console.log(result.execution.outcome.summary);
 * else console.log("continue at", result.execution.handoff.url);
 * ```
 */
export type ExecuteMarketOrderResponse =
  | NativeExecutionResponse
  | HandoffExecutionResponse;

/**
 * `confirmMarketOrder` result. A held payment moves to `release_pending`; `releasePayment` then
 * pays it out. `payment` is `null` when the order has none.
 *
 * @example From `confirmMarketOrder`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const pairingToken: string;
 * declare const orderId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { order, payment } = await client.orchestration.confirmMarketOrder(orderId, pairingToken);
 * console.log(order.status, payment?.status, payment?.amount); // "confirmed", "release_pending", 0.1
 * ```
 */
export type ConfirmMarketOrderResponse = {
  readonly order: MarketOrder;
  readonly payment: MarketPayment | null;
};

/**
 * Body of `disputeMarketOrder`.
 *
 * @example Usage
 * ```ts
 * import type { DisputeMarketOrderRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: DisputeMarketOrderRequest = {
 *   reason: "Map covers the wrong field",
 *   evidence: { expectedAreaHectares: 12, deliveredAreaHectares: 3 },
 * };
 * ```
 */
export type DisputeMarketOrderRequest = {
  readonly reason: string;
  readonly evidence?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * A dispute raised on an order.
 *
 * @example Is it still open?
 * ```ts
 * import type { MarketDispute } from "@peaqos/peaq-os-sdk";
 *
 * function isOpen(dispute: MarketDispute): boolean {
 *   return dispute.status === "open";
 * }
 * ```
 */
export type MarketDispute = {
  readonly id: string;
  readonly orderId: string;
  readonly reason: string;
  readonly evidence: Readonly<Record<string, unknown>> | null;
  readonly status: "open" | "resolved";
  readonly createdAt: string;
};

/**
 * `disputeMarketOrder` result; the payment, if any, is `"frozen"`.
 *
 * @example From `disputeMarketOrder`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const pairingToken: string;
 * declare const orderId: string;
 * declare const reason: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { dispute, payment } = await client.orchestration.disputeMarketOrder(orderId, { reason }, pairingToken);
 * console.log(dispute.id, payment?.status); // "frozen"
 * ```
 */
export type DisputeMarketOrderResponse = {
  readonly order: MarketOrder;
  readonly payment: MarketPayment | null;
  readonly dispute: MarketDispute;
};
