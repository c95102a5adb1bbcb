/**
 * Market services, searches and orders.
 *
 * @module
 */
import type {
  ExecutionMode,
  IntegrationStatus,
  MarketHandoff,
  MarketPricing,
  Money,
  ProviderCredentials,
  ServiceType,
} from "./common.ts";
import type { MarketPayment, MarketPaymentRailType } from "./payments.ts";

/**
 * A service offered on the market.
 *
 * @example From `listMarketServices`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listMarketServices();
 * for (const marketService of items) console.log(marketService.name);
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
  readonly metadata: Readonly<Record<string, unknown>>;
};

/**
 * Options of `listMarketServices`.
 *
 * @example Usage
 * ```ts
 * import type { ListMarketServicesOptions } from "@peaqos/peaq-os-sdk";
 *
 * const listMarketServicesOptions: ListMarketServicesOptions = { limit: 50 };
 * ```
 */
export type ListMarketServicesOptions = {
  readonly machineId?: string;
  readonly serviceType?: ServiceType;
  readonly executionMode?: ExecutionMode;
  readonly providerKey?: string;
  readonly cursor?: string;
  readonly limit?: number;
};

/**
 * Options of `getMarketService`.
 *
 * @example Usage
 * ```ts
 * import type { GetMarketServiceOptions } from "@peaqos/peaq-os-sdk";
 *
 * const getMarketServiceOptions: GetMarketServiceOptions = { machineId: "mach_123" };
 * ```
 */
export type GetMarketServiceOptions = {
  readonly machineId?: string;
};

/**
 * Body of `searchMarket`.
 *
 * @example Usage
 * ```ts
 * import type { MarketSearchRequest } from "@peaqos/peaq-os-sdk";
 *
 * const marketSearchRequest: MarketSearchRequest = { machineId: "mach_123", agentPairingId: "pair_123" };
 * ```
 */
export type MarketSearchRequest = {
  readonly machineId: string;
  readonly agentPairingId: string;
  /** Free text matched against service names, descriptions and capabilities. */
  readonly query?: string;
  readonly serviceType?: ServiceType;
  readonly skillKey?: string;
  readonly operation?: string;
  readonly providerKey?: string;
  readonly executionMode?: ExecutionMode;
  /** Upper bound on a quote's price, a decimal string. */
  readonly maxPrice?: string;
  readonly currency?: string;
  readonly limit?: number;
};

/**
 * A priced, expiring offer for one service.
 *
 * @example Read a field
 * ```ts
 * import type { MarketQuote } from "@peaqos/peaq-os-sdk";
 *
 * function show(marketQuote: MarketQuote): unknown {
 *   return marketQuote.serviceId;
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
  readonly score: number;
  readonly reasons: readonly string[];
  readonly pricing: MarketPricing;
  readonly payment: {
    readonly defaultRail: MarketPaymentRailType;
    readonly required: boolean;
  };
  readonly expiresAt: string;
};

/**
 * The result of a market search, ranked best first.
 *
 * @example From `searchMarket`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { item } = await client.orchestration.searchMarket(params, pairingToken);
 * console.log(item.status);
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
 * A market order.
 *
 * @example From `listMarketOrders`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listMarketOrders(options);
 * for (const marketOrder of items) console.log(marketOrder.status);
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
  readonly budget: Money | null;
  readonly payment: MarketPayment | null;
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
 * const listMarketOrdersOptions: ListMarketOrdersOptions = { machineId: "mach_123" };
 * ```
 */
export type ListMarketOrdersOptions = {
  readonly machineId: string;
  readonly cursor?: string;
  readonly limit?: number;
};

/**
 * Body of `createMarketOrder`.
 *
 * @example Usage
 * ```ts
 * import type { CreateMarketOrderRequest } from "@peaqos/peaq-os-sdk";
 *
 * const createMarketOrderRequest: CreateMarketOrderRequest = { machineId: "mach_123", agentPairingId: "pair_123", serviceId: "service_123" };
 * ```
 */
export type CreateMarketOrderRequest = {
  readonly machineId: string;
  readonly agentPairingId: string;
  readonly serviceId: string;
  readonly searchId?: string;
  readonly quoteId?: string;
  readonly operation?: string;
  readonly input?: Readonly<Record<string, unknown>>;
  readonly budget?: Money;
  /** Redacted by the server before the body is persisted. */
  readonly providerCredentials?: ProviderCredentials;
};

/**
 * Body of `executeMarketOrder`.
 *
 * @example Usage
 * ```ts
 * import type { ExecuteMarketOrderRequest } from "@peaqos/peaq-os-sdk";
 *
 * const executeMarketOrderRequest: ExecuteMarketOrderRequest = {};
 * ```
 */
export type ExecuteMarketOrderRequest = {
  readonly input?: Readonly<Record<string, unknown>>;
};

/**
 * A run of a native execution.
 *
 * @example Read a field
 * ```ts
 * import type { MarketRun } from "@peaqos/peaq-os-sdk";
 *
 * function show(marketRun: MarketRun): unknown {
 *   return marketRun.status;
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
 * @example Read a field
 * ```ts
 * import type { MarketOutcome } from "@peaqos/peaq-os-sdk";
 *
 * function show(marketOutcome: MarketOutcome): unknown {
 *   return marketOutcome.status;
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
 * @example Read a field
 * ```ts
 * import type { NativeExecutionResponse } from "@peaqos/peaq-os-sdk";
 *
 * function show(nativeExecutionResponse: NativeExecutionResponse): unknown {
 *   return nativeExecutionResponse.order;
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
 * @example Read a field
 * ```ts
 * import type { HandoffExecutionResponse } from "@peaqos/peaq-os-sdk";
 *
 * function show(handoffExecutionResponse: HandoffExecutionResponse): unknown {
 *   return handoffExecutionResponse.order;
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
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const executeMarketOrderResponse = await client.orchestration.executeMarketOrder(orderId, params, pairingToken);
 * console.log(executeMarketOrderResponse.id);
 * ```
 */
export type ExecuteMarketOrderResponse = NativeExecutionResponse | HandoffExecutionResponse;

/**
 * `confirmMarketOrder` result.
 *
 * @example From `confirmMarketOrder`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const confirmMarketOrderResponse = await client.orchestration.confirmMarketOrder(orderId, pairingToken);
 * console.log(confirmMarketOrderResponse.order);
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
 * const disputeMarketOrderRequest: DisputeMarketOrderRequest = { reason: "Customer changed plans" };
 * ```
 */
export type DisputeMarketOrderRequest = {
  readonly reason: string;
  readonly evidence?: Readonly<Record<string, unknown>>;
};

/**
 * A dispute raised on an order.
 *
 * @example Read a field
 * ```ts
 * import type { MarketDispute } from "@peaqos/peaq-os-sdk";
 *
 * function show(marketDispute: MarketDispute): unknown {
 *   return marketDispute.status;
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
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const disputeMarketOrderResponse = await client.orchestration.disputeMarketOrder(orderId, params, pairingToken);
 * console.log(disputeMarketOrderResponse.order);
 * ```
 */
export type DisputeMarketOrderResponse = {
  readonly order: MarketOrder;
  readonly payment: MarketPayment | null;
  readonly dispute: MarketDispute;
};
