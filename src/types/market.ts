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

/** A service offered on the market. */
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

/** Options of `listMarketServices`. */
export type ListMarketServicesOptions = {
  readonly machineId?: string;
  readonly serviceType?: ServiceType;
  readonly executionMode?: ExecutionMode;
  readonly providerKey?: string;
  readonly cursor?: string;
  readonly limit?: number;
};

/** Options of `getMarketService`. */
export type GetMarketServiceOptions = {
  readonly machineId?: string;
};

/** Body of `searchMarket`. */
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

/** A priced, expiring offer for one service. */
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

/** The result of a market search, ranked best first. */
export type MarketSearch = {
  readonly id: string;
  readonly machineId: string;
  readonly agentPairingId: string;
  readonly status: "matched" | "no_match";
  readonly quotes: readonly MarketQuote[];
  readonly createdAt: string;
};

/** Status of a market order. */
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

/** A market order. */
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

/** Options of `listMarketOrders`. */
export type ListMarketOrdersOptions = {
  readonly machineId: string;
  readonly cursor?: string;
  readonly limit?: number;
};

/** Body of `createMarketOrder`. */
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

/** Body of `executeMarketOrder`. */
export type ExecuteMarketOrderRequest = {
  readonly input?: Readonly<Record<string, unknown>>;
};

/** A run of a native execution. */
export type MarketRun = {
  readonly id: string;
  readonly orderId: string;
  readonly providerKey: string;
  readonly operation: string;
  readonly status: "succeeded" | "failed";
  readonly startedAt: string;
  readonly completedAt: string;
};

/** What a native execution produced. */
export type MarketOutcome = {
  readonly id: string;
  readonly runId: string;
  readonly status: "succeeded" | "failed";
  readonly output: Readonly<Record<string, unknown>>;
  readonly summary: string;
};

/** `executeMarketOrder` result for a native execution (HTTP 200). */
export type NativeExecutionResponse = {
  readonly order: MarketOrder;
  readonly execution: {
    readonly statusCode: 200;
    readonly mode: "native";
    readonly run: MarketRun;
    readonly outcome: MarketOutcome;
  };
};

/** `executeMarketOrder` result for an external handoff (HTTP 202). */
export type HandoffExecutionResponse = {
  readonly order: MarketOrder;
  readonly execution: {
    readonly statusCode: 202;
    readonly mode: "external-handoff";
    readonly handoff: MarketHandoff;
  };
};

/** `executeMarketOrder` result, discriminated on `execution.statusCode`. */
export type ExecuteMarketOrderResponse = NativeExecutionResponse | HandoffExecutionResponse;

/** `confirmMarketOrder` result. */
export type ConfirmMarketOrderResponse = {
  readonly order: MarketOrder;
  readonly payment: MarketPayment | null;
};

/** Body of `disputeMarketOrder`. */
export type DisputeMarketOrderRequest = {
  readonly reason: string;
  readonly evidence?: Readonly<Record<string, unknown>>;
};

/** A dispute raised on an order. */
export type MarketDispute = {
  readonly id: string;
  readonly orderId: string;
  readonly reason: string;
  readonly evidence: Readonly<Record<string, unknown>> | null;
  readonly status: "open" | "resolved";
  readonly createdAt: string;
};

/** `disputeMarketOrder` result; the payment, if any, is `"frozen"`. */
export type DisputeMarketOrderResponse = {
  readonly order: MarketOrder;
  readonly payment: MarketPayment | null;
  readonly dispute: MarketDispute;
};
