/**
 * The market: services, searches and orders, as methods of `client.orchestration`.
 *
 * @module
 */
import type { RequestOptions } from "../transport.ts";
import type { ItemResponse, ListResponse } from "../types/common.ts";
import type {
  ConfirmMarketOrderResponse,
  CreateMarketOrderRequest,
  DisputeMarketOrderRequest,
  DisputeMarketOrderResponse,
  ExecuteMarketOrderRequest,
  ExecuteMarketOrderResponse,
  GetMarketServiceOptions,
  ListMarketOrdersOptions,
  ListMarketServicesOptions,
  MarketOrder,
  MarketSearch,
  MarketSearchRequest,
  MarketService,
} from "../types/market.ts";
import type { Routes } from "./routes.ts";

/**
 * The market (`/market/services`, `/market/search`, `/market/orders`): a paired agent
 * searches, orders, executes and confirms. Agent-auth methods take the pairing token as the
 * argument before `requestOptions`; `buyService` runs the whole purchase in one call.
 *
 * @example Search, order, execute, confirm
 * ```ts
 * import { isNativeExecution, PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * declare const pairingToken: string;
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
 * const market = client.orchestration;
 * const ids = { machineId: "m-1", agentPairingId: "p-1" };
 * const { item: search } = await market.searchMarket({ ...ids, query: "mapping" }, pairingToken);
 * const quote = search.quotes[0];
 * if (quote) {
 *   const { item: order } = await market.createMarketOrder(
 *     { ...ids, serviceId: quote.serviceId, quoteId: quote.id, searchId: search.id },
 *     pairingToken,
 *   );
 *   const result = await market.executeMarketOrder(order.id, {}, pairingToken);
 *   if (isNativeExecution(result)) await market.confirmMarketOrder(order.id, pairingToken);
 * }
 * ```
 */
export interface MarketApi {
  /**
   * Lists market services with optional filters (`GET /market/services`).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { items } = await client.orchestration.listMarketServices({ executionMode: "native" });
   * ```
   */
  listMarketServices(
    options?: ListMarketServicesOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<MarketService>>;

  /**
   * Iterates every market service across pages; filters pass through on every page.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const names: string[] = [];
   * for await (const service of client.orchestration.listMarketServicesAll({ providerKey: "acme" })) {
   *   names.push(service.name);
   * }
   * ```
   */
  listMarketServicesAll(
    options?: Omit<ListMarketServicesOptions, "cursor">,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<MarketService, void, undefined>;

  /**
   * Gets one market service (`GET /market/services/:serviceId`), optionally as seen by a
   * machine (its pricing and availability for that machine).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: service } = await client.orchestration.getMarketService("svc-1", { machineId: "m-1" });
   * console.log(service.pricing, service.payment.defaultRail);
   * ```
   */
  getMarketService(
    serviceId: string,
    options?: GetMarketServiceOptions,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketService>>;

  /**
   * Searches the market for a paired agent (`POST /market/search`, agent auth); quotes come
   * ranked with scores and reasons.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: search } = await client.orchestration.searchMarket(
   *   { machineId: "m-1", agentPairingId: "p-1", query: "object detection", budget: { max: 5 } },
   *   pairingToken,
   * );
   * for (const quote of search.quotes) console.log(quote.score, quote.reasons);
   * ```
   */
  searchMarket(
    params: MarketSearchRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketSearch>>;

  /**
   * Gets a past search (`GET /market/search/:searchId`, platform auth).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: search } = await client.orchestration.getMarketSearch("search-1");
   * ```
   */
  getMarketSearch(
    searchId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketSearch>>;

  /**
   * Lists a machine's orders (`GET /market/orders?machineId`); `machineId` is required.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { items } = await client.orchestration.listMarketOrders({ machineId: "m-1", limit: 50 });
   * ```
   */
  listMarketOrders(
    options: ListMarketOrdersOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<MarketOrder>>;

  /**
   * Iterates every order of a machine across pages.
   *
   * @example Count a machine's orders by status
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const counts = new Map<string, number>();
   * for await (const order of client.orchestration.listMarketOrdersAll({ machineId: "m-1" })) {
   *   counts.set(order.status, (counts.get(order.status) ?? 0) + 1);
   * }
   * ```
   */
  listMarketOrdersAll(
    options: Omit<ListMarketOrdersOptions, "cursor">,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<MarketOrder, void, undefined>;

  /**
   * Places an order (`POST /market/orders`, agent auth), checked against the pairing's
   * delegation policy and spend limits.
   *
   * @example Order a quote with an idempotency key
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: order } = await client.orchestration.createMarketOrder(
   *   { machineId: "m-1", agentPairingId: "p-1", serviceId: "svc-1", quoteId: "q-1", searchId: "search-1" },
   *   pairingToken,
   *   { headers: { "idempotency-key": crypto.randomUUID() } },
   * );
   * ```
   */
  createMarketOrder(
    params: CreateMarketOrderRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketOrder>>;

  /**
   * Gets one order (`GET /market/orders/:orderId`).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: order } = await client.orchestration.getMarketOrder("order-1");
   * console.log(order.status);
   * ```
   */
  getMarketOrder(
    orderId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketOrder>>;

  /**
   * Executes an order (`POST /market/orders/:orderId/execute`, agent auth). The result is
   * discriminated on `execution.statusCode`: 200 native (`run`, `outcome`) or 202 external
   * handoff (`handoff`); {@linkcode isNativeExecution} and {@linkcode isHandoffExecution}
   * narrow it. An x402 purchase passes its signed payload as `requestOptions.paymentSignature`.
   *
   * @example
   * ```ts
   * import { isNativeExecution, PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const result = await client.orchestration.executeMarketOrder("order-1", {}, pairingToken);
   * if (isNativeExecution(result)) console.log(result.execution.outcome.output);
   * else console.log(result.execution.handoff.url);
   * ```
   */
  executeMarketOrder(
    orderId: string,
    params: ExecuteMarketOrderRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ExecuteMarketOrderResponse>;

  /**
   * Confirms delivery and releases a held payment (`POST /market/orders/:orderId/confirm`,
   * agent auth).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { order, payment } = await client.orchestration.confirmMarketOrder("order-1", pairingToken);
   * console.log(order.status, payment?.status);
   * ```
   */
  confirmMarketOrder(
    orderId: string,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ConfirmMarketOrderResponse>;

  /**
   * Disputes an order and freezes its payment (`POST /market/orders/:orderId/dispute`,
   * agent auth).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { dispute } = await client.orchestration.disputeMarketOrder(
   *   "order-1",
   *   { reason: "No delivery", evidence: { checkedAt: new Date().toISOString() } },
   *   pairingToken,
   * );
   * ```
   */
  disputeMarketOrder(
    orderId: string,
    params: DisputeMarketOrderRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<DisputeMarketOrderResponse>;
}

/** The routes of {@linkcode MarketApi}. @internal */
export const MARKET_ROUTES: Routes<MarketApi> = {
  listMarketServices: "GET /market/services list query",
  getMarketService: "GET /market/services/:serviceId item query",
  searchMarket: "POST /market/search item body agent need:machineId,agentPairingId",
  getMarketSearch: "GET /market/search/:searchId item",
  listMarketOrders: "GET /market/orders list query need:machineId",
  createMarketOrder: "POST /market/orders item body agent need:machineId,agentPairingId,serviceId",
  getMarketOrder: "GET /market/orders/:orderId item",
  executeMarketOrder: "POST /market/orders/:orderId/execute execute body agent",
  confirmMarketOrder: "POST /market/orders/:orderId/confirm confirm agent",
  disputeMarketOrder: "POST /market/orders/:orderId/dispute dispute body agent need:reason",
};
