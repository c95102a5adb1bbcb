/**
 * Envelopes and shared wire shapes of the Machine Markets API.
 *
 * @module
 */

/**
 * A page of results. `nextCursor` is absent on the last page (a server's `null` there is read as
 * absent); pass it back as `cursor` as it is.
 *
 * @example Page through every machine
 * ```ts
 * import type { ListResponse, Machine, PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * async function machineNames(client: PeaqosClient): Promise<string[]> {
 *   const names: string[] = [];
 *   let cursor: string | undefined;
 *   do {
 *     const page: ListResponse<Machine> = await client.orchestration.listMachines({ cursor });
 *     for (const machine of page.items) names.push(machine.displayName);
 *     cursor = page.nextCursor;
 *   } while (cursor);
 *   return names;
 * }
 * ```
 */
export type ListResponse<T> = {
  readonly items: readonly T[];
  /** The cursor of the next page; absent on the last page. */
  readonly nextCursor?: string | undefined;
};

/**
 * A single-record response.
 *
 * @example Unwrap the item
 * ```ts
 * import type { ItemResponse, Machine } from "@peaqos/peaq-os-sdk";
 *
 * function unwrap(response: ItemResponse<Machine>): string {
 *   return response.item.displayName;
 * }
 * ```
 */
export type ItemResponse<T> = {
  readonly item: Readonly<T>;
};

/**
 * Cursor pagination options accepted by every `list*` method.
 *
 * @example Usage
 * ```ts
 * import type { ListQuery } from "@peaqos/peaq-os-sdk";
 *
 * const nextPage: ListQuery = { limit: 100, cursor: "eyJvZmZzZXQiOjEwMH0" };
 * ```
 */
export type ListQuery = {
  /** Page size, 1..500 (the server's default is 100). */
  readonly limit?: number | undefined;
  /** Opaque cursor from a previous page's `nextCursor`; omit (or `null`) on the first page. */
  readonly cursor?: string | null | undefined;
};

/**
 * Money on the wire: a JSON number and its currency, e.g. `{ amount: 12.5, currency: "USDT" }`.
 *
 * @example Usage
 * ```ts
 * import type { Money } from "@peaqos/peaq-os-sdk";
 *
 * const price: Money = { amount: 12.5, currency: "USDT" };
 * ```
 */
export type Money = {
  readonly amount: number;
  readonly currency: string;
};

/**
 * An order's budget: what the agent is prepared to pay; either part may be absent.
 *
 * @example Usage
 * ```ts
 * import type { MarketBudget } from "@peaqos/peaq-os-sdk";
 *
 * const budget: MarketBudget = { amount: 25, currency: "USDT" };
 * ```
 */
export type MarketBudget = {
  readonly amount?: number | null | undefined;
  readonly currency?: string | null | undefined;
};

/**
 * How a service runs: on the platform (native) or by handing off to an external provider.
 *
 * @example Usage
 * ```ts
 * import type { ExecutionMode } from "@peaqos/peaq-os-sdk";
 *
 * const executionMode: ExecutionMode = "external-handoff";
 * ```
 */
export type ExecutionMode = "native" | "external-handoff";

/**
 * How far a provider integration has been built.
 *
 * @example Usage
 * ```ts
 * import type { IntegrationStatus } from "@peaqos/peaq-os-sdk";
 *
 * const integrationStatus: IntegrationStatus = "beta";
 * ```
 */
export type IntegrationStatus = "live" | "beta" | "simulated";

/**
 * The public curated capability keys of the market: every deployment's catalogue offers services
 * of these types (`oracle.price-feed`, `compute.marketplace`, ...).
 *
 * @example Usage
 * ```ts
 * import type { CapabilityServiceType } from "@peaqos/peaq-os-sdk";
 *
 * const serviceType: CapabilityServiceType = "data.location";
 * ```
 */
export type CapabilityServiceType =
  | "oracle.price-feed"
  | "compute.marketplace"
  | "storage.object"
  | "data.location"
  | "identity.proof-of-person"
  | "device.control"
  | "machine.commerce"
  | "network.partner-console";

/**
 * The category of a market service: one of the public capability keys, or any other type a
 * catalogue defines (such as the sandbox's machine-runtime `"inference"`).
 *
 * @example Usage
 * ```ts
 * import type { ServiceType } from "@peaqos/peaq-os-sdk";
 *
 * const priceFeed: ServiceType = "oracle.price-feed";
 * const custom: ServiceType = "inference";
 * ```
 */
// `string & {}` keeps the capability keys as editor suggestions while any string stays valid.
// deno-lint-ignore ban-types
export type ServiceType = CapabilityServiceType | (string & {});

/**
 * Where a skill comes from.
 *
 * @example Usage
 * ```ts
 * import type { SkillSource } from "@peaqos/peaq-os-sdk";
 *
 * const skillSource: SkillSource = "catalog";
 * ```
 */
export type SkillSource = "builtin" | "catalog" | "custom";

/**
 * Who a skill is scoped to.
 *
 * @example Usage
 * ```ts
 * import type { SkillScope } from "@peaqos/peaq-os-sdk";
 *
 * const skillScope: SkillScope = "machine";
 * ```
 */
export type SkillScope = "platform" | "machine";

/**
 * Whether a machine provides a skill to the market or consumes it from the market.
 *
 * @example Usage
 * ```ts
 * import type { SkillDirection } from "@peaqos/peaq-os-sdk";
 *
 * const skillDirection: SkillDirection = "consume";
 * ```
 */
export type SkillDirection = "provide" | "consume";

/**
 * An EIP-191 proof over a server-issued challenge.
 *
 * @example Usage
 * ```ts
 * import type { MachineIdentityProofInput } from "@peaqos/peaq-os-sdk";
 *
 * const identityProof: MachineIdentityProofInput = {
 *   challengeId: "chal_7f3a",
 *   signature: "0x…", // EIP-191 signature of the challenge message
 * };
 * ```
 */
export type MachineIdentityProofInput = {
  readonly challengeId: string;
  readonly signature: string;
};

/**
 * An EIP-191 proof over a server-issued pairing challenge.
 *
 * @example Usage
 * ```ts
 * import type { AgentPairingProof } from "@peaqos/peaq-os-sdk";
 *
 * const agentProof: AgentPairingProof = {
 *   challengeId: "chal_91bc",
 *   signature: "0x…", // the agent's EIP-191 signature of the challenge message
 * };
 * ```
 */
export type AgentPairingProof = {
  readonly challengeId: string;
  readonly signature: string;
};

/**
 * Per-adapter credentials keyed by providerKey. The shape is adapter-specific; the server
 * always redacts them before request bodies are persisted.
 *
 * @example Usage
 * ```ts
 * import type { ProviderCredentials } from "@peaqos/peaq-os-sdk";
 *
 * const providerCredentials: ProviderCredentials = { openai: { apiKey: "sk-…" } };
 * ```
 */
export type ProviderCredentials = {
  readonly [providerKey: string]: Readonly<Record<string, string | undefined>>;
};

/**
 * An external provider's handoff target.
 *
 * @example Send the user to the provider
 * ```ts
 * import type { MarketHandoff } from "@peaqos/peaq-os-sdk";
 *
 * function linkTo(handoff: MarketHandoff): string {
 *   return `${handoff.label}: ${handoff.url}`;
 * }
 * ```
 */
export type MarketHandoff = {
  readonly label: string;
  readonly url: string;
  readonly notes: readonly string[];
};

/**
 * Pricing of a service or quote. `amount` is a JSON number, or `null` when not fixed; `rate`
 * says what it is per (`"per_request"`, `"per_1m_tokens"`, ...).
 *
 * @example Show a price
 * ```ts
 * import type { MarketPricing } from "@peaqos/peaq-os-sdk";
 *
 * function priceLabel(pricing: MarketPricing): string {
 *   return pricing.mode === "fixed" ? `${pricing.amount} ${pricing.currency}` : pricing.mode;
 * }
 * ```
 */
export type MarketPricing = {
  readonly mode: "provider-defined" | "fixed" | "quote-required";
  readonly amount: number | null;
  readonly currency: string | null;
  readonly rate: string | null;
  readonly notes: readonly string[];
};
