/**
 * `client.orchestration`: the Machine Markets API as flat methods, one per HTTP route. Each
 * resource file under `src/orchestration/` declares its methods twice, once as a typed,
 * documented interface and once as a route table (`"GET /machines/:machineId item"`); this
 * module turns the tables into the methods, and the transport does the rest.
 *
 * @module
 */
import { paginate } from "./pagination.ts";
import { parseRoute, type Route, type Transport, type WithResponse } from "./transport.ts";
import { AGENT_ROUTES, type MachineAgentsApi } from "./orchestration/agents.ts";
import { EXPERIMENTAL_ROUTES, type ExperimentalApi } from "./orchestration/experimental.ts";
import { MACHINE_ROUTES, type MachinesApi } from "./orchestration/machines.ts";
import { MARKET_ROUTES, type MarketApi } from "./orchestration/market.ts";
import { type AgentPairingsApi, PAIRING_ROUTES } from "./orchestration/pairings.ts";
import { PAYMENT_ROUTES, type PaymentsApi } from "./orchestration/payments.ts";
import { SKILL_ROUTES, type SkillsApi } from "./orchestration/skills.ts";

/**
 * The Machine Markets API namespace. Get it from {@linkcode PeaqosClient.orchestration};
 * every method returns a Promise (or an async iterator) and reports failures as rejections
 * with an `OrchestrationError` subclass. The last argument of every method is an optional
 * {@linkcode RequestOptions} (`signal`, `timeoutMs`, `headers`, `paymentSignature`).
 *
 * Auth per call: the client's `apiKey`, when configured, rides as `x-api-key` on every call
 * (the API is public unless the deployment turns API-key auth on; then a call without one is
 * answered `AUTH_REQUIRED`). Methods that take a `pairingToken` also send it as
 * `x-agent-pairing-token`; `machineAgentHeartbeat` and `getHealth` send no auth header.
 *
 * @example List machines
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
 * const { items } = await client.orchestration.listMachines({ limit: 20 });
 * ```
 */
export interface OrchestrationClient
  extends
    MachinesApi,
    AgentPairingsApi,
    MachineAgentsApi,
    SkillsApi,
    MarketApi,
    PaymentsApi,
    ExperimentalApi {
  /**
   * The same methods, each resolving to `{ data, response, requestId }`: the body it would
   * resolve to, the HTTP response (its body already read) and the server's `x-request-id`.
   * Costs nothing when not used. The `*All` iterators are not on it.
   *
   * @example Log the request id of an order
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { data, response, requestId } = await client.orchestration.withResponse
   *   .createMarketOrder({ machineId: "m-1", agentPairingId: "p-1", serviceId: "svc-1" }, pairingToken);
   * console.log(response.status, requestId, data.item.id);
   * ```
   */
  readonly withResponse: OrchestrationWithResponse;
}

/**
 * `client.orchestration.withResponse`: every method of {@linkcode OrchestrationClient} that
 * returns a Promise, resolving to a {@linkcode WithResponse} of what it would resolve to.
 *
 * @example
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
 * const { response } = await client.orchestration.withResponse.archiveMachine("m-1");
 * console.log(response.status); // 204
 * ```
 */
export type OrchestrationWithResponse = {
  readonly [
    K in Exclude<keyof OrchestrationClient, "withResponse"> as OrchestrationClient[K] extends
      (...args: never[]) => Promise<unknown> ? K : never
  ]: OrchestrationClient[K] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => Promise<WithResponse<R>>
    : never;
};

/**
 * How {@linkcode OrchestrationClient} is constructed; `client.orchestration` does it for you.
 *
 * @example
 * ```ts
 * import { OrchestrationClient, PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
 * console.assert(client.orchestration instanceof OrchestrationClient);
 * ```
 */
export type OrchestrationClientConstructor = {
  /** Use `client.orchestration` rather than constructing this directly. */
  new (transport: Transport): OrchestrationClient;
  readonly prototype: OrchestrationClient;
};

// A class expression inside a function marked pure: bundlers drop all of it from apps that
// never use the client (its static block would otherwise count as a side effect).
function defineClient(): OrchestrationClientConstructor {
  class Orchestration {
    readonly #transport: Transport;
    readonly #raw: boolean;
    declare readonly withResponse: Orchestration;

    constructor(transport: Transport, raw = false) {
      this.#transport = transport;
      this.#raw = raw;
      if (!raw) this.withResponse = new Orchestration(transport, true);
    }

    static {
      const routes = {
        ...MACHINE_ROUTES,
        ...PAIRING_ROUTES,
        ...AGENT_ROUTES,
        ...SKILL_ROUTES,
        ...MARKET_ROUTES,
        ...PAYMENT_ROUTES,
        ...EXPERIMENTAL_ROUTES,
      };
      const prototype = this.prototype as unknown as Record<string, unknown>;
      for (const [name, declaration] of Object.entries(routes)) {
        const route: Route = parseRoute(declaration);
        // Computed method names keep `name` on the functions, for stack traces.
        prototype[name] = {
          [name](this: Orchestration, ...args: unknown[]) {
            return this.#transport.request(route, args, this.#raw);
          },
        }[name];
        if (!route.paginated) continue;
        const ids = route.names.length;
        prototype[`${name}All`] = {
          [`${name}All`](this: Orchestration, ...args: unknown[]) {
            const head = args.slice(0, ids);
            const requestOptions = args[ids + 1];
            return paginate(
              (query) => this.#transport.request(route, [...head, query, requestOptions]),
              (args[ids] ?? {}) as object,
            );
          },
        }[`${name}All`];
      }
    }
  }
  return Orchestration as unknown as OrchestrationClientConstructor;
}

/**
 * The class of `client.orchestration`; see {@linkcode OrchestrationClient} for its methods.
 *
 * @example
 * ```ts
 * import { OrchestrationClient, PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
 * console.assert(typeof OrchestrationClient.prototype.getMachine === "function");
 * ```
 */
export const OrchestrationClient: OrchestrationClientConstructor = /* @__PURE__ */ defineClient();
