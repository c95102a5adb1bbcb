/**
 * Envelopes and shared wire shapes of the Machine Markets API.
 *
 * @module
 */

/** A page of results; `nextCursor` is omitted on the last page. */
export type ListResponse<T> = {
  readonly items: readonly T[];
  readonly nextCursor?: string;
};

/** A single-record response. */
export type ItemResponse<T> = {
  readonly item: Readonly<T>;
};

/** Cursor pagination options accepted by every `list*` method. */
export type ListQuery = {
  /** Page size, 1..500 (the server's default is 100). */
  readonly limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`; omit on the first page. */
  readonly cursor?: string;
};

/** Money on the wire: a decimal string and its currency, e.g. `{ amount: "12.50", currency: "USDT" }`. */
export type Money = {
  readonly amount: string;
  readonly currency: string;
};

/** How a service runs: on the platform (native) or by handing off to an external provider. */
export type ExecutionMode = "native" | "external-handoff";

/** How far a provider integration has been built. */
export type IntegrationStatus = "live" | "beta" | "simulated";

/** The category of a market service, e.g. `"inference"` or `"mobility"`. */
export type ServiceType = string;

/** Where a skill comes from. */
export type SkillSource = "builtin" | "catalog" | "custom";

/** Who a skill is scoped to. */
export type SkillScope = "platform" | "machine";

/** Whether a machine provides a skill to the market or consumes it from the market. */
export type SkillDirection = "provide" | "consume";

/** An EIP-191 proof over a server-issued challenge. */
export type MachineIdentityProofInput = {
  readonly challengeId: string;
  readonly signature: string;
};

/** An EIP-191 proof over a server-issued pairing challenge. */
export type AgentPairingProof = {
  readonly challengeId: string;
  readonly signature: string;
};

/**
 * Per-adapter credentials keyed by providerKey. The shape is adapter-specific; the server
 * always redacts them before request bodies are persisted.
 */
export type ProviderCredentials = {
  readonly [providerKey: string]: Readonly<Record<string, string | undefined>>;
};

/** An external provider's handoff target. */
export type MarketHandoff = {
  readonly label: string;
  readonly url: string;
  readonly notes: readonly string[];
};

/** Pricing of a service or quote. `amount` is a decimal string or `null` when not fixed. */
export type MarketPricing = {
  readonly mode: "provider-defined" | "fixed" | "quote-required";
  readonly amount: string | null;
  readonly currency: string | null;
  readonly rate: string | null;
  readonly notes: readonly string[];
};
