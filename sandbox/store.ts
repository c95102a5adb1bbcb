/**
 * All in-memory state of one sandbox app, in three sections: platform (machines, identity,
 * pairings, machine agents, runtime endpoints), market (searches, quotes, orders, payments,
 * spent payment proofs, x402 nonces, skill configs) and experimental (tasks, routes, runs,
 * graph, policies, audit log). One `Map` per kind of record; `createSandboxContext` creates the
 * store and routes reach it as `ctx.store`. Records hold the wire shape (replaced, never mutated
 * in place) plus the server-only fields beside it, such as the sequence number pagination orders
 * by and secrets kept only as hashes.
 *
 * @module
 */
import type {
  AgentPairing,
  AuditEvent,
  GraphEdge,
  GraphNode,
  Machine,
  MachineAgent,
  MarketDispute,
  MarketOrder,
  MarketOutcome,
  MarketPayment,
  MarketQuote,
  MarketSearch,
  Policy,
  Run,
  RuntimeEndpoint,
  SkillConfigResponse,
  Task,
} from "../src/types/mod.ts";

// ---- Platform records ------------------------------------------------------------------------

/** A machine and its creation sequence. */
export type MachineRecord = {
  readonly seq: number;
  machine: Machine;
};

/** A server-issued machine identity challenge; single-use. */
export type IdentityChallengeRecord = {
  readonly challengeId: string;
  readonly identityRef: string;
  readonly message: string;
  readonly expiresAt: Date;
  readonly controllerAddresses: readonly string[];
  used: boolean;
};

/** A server-issued pairing challenge, keyed to the agent it was issued for; single-use. */
export type PairingChallengeRecord = {
  readonly challengeId: string;
  readonly machineId: string;
  readonly agentAddress: string;
  readonly agentProvider: string;
  readonly agentRole: string;
  readonly agentDid: string | null;
  readonly message: string;
  readonly expiresAt: Date;
  used: boolean;
};

/** A pairing; `policyHash` is the `delegationPolicyHash` claim its current tokens must carry. */
export type PairingRecord = {
  readonly seq: number;
  pairing: AgentPairing;
  policyHash: string;
};

/** A machine agent; its provisioning token is kept only as a SHA-256 hex hash. */
export type MachineAgentRecord = {
  readonly seq: number;
  agent: MachineAgent;
  readonly tokenHash: string;
};

/** A runtime endpoint; `authToken` is kept server-side and never serialised. */
export type RuntimeEndpointRecord = {
  readonly seq: number;
  endpoint: RuntimeEndpoint;
  authToken: string | null;
};

// ---- Market records --------------------------------------------------------------------------

/** A stored search. */
export type SearchRecord = { readonly seq: number; readonly search: MarketSearch };

/** A stored quote; single-use: `orderId` is set once an order consumes it. */
export type QuoteRecord = {
  readonly quote: MarketQuote;
  readonly searchId: string;
  readonly machineId: string;
  readonly agentPairingId: string;
  orderId: string | null;
};

/**
 * A stored order. `order.payment` is the service's payment recommendation; the payment record
 * lives in `payments`.
 */
export type OrderRecord = {
  readonly seq: number;
  order: MarketOrder;
  /** The price in 10^-18 units and its currency, fixed at creation (quote or list price). */
  readonly price: { readonly units: bigint; readonly amount: number; readonly currency: string };
  /** UTC day (`YYYY-MM-DD`) the order counts against for the daily limit. */
  readonly spendDay: string;
  dispute: MarketDispute | null;
  /**
   * When the order was first delivered or handed off; `null` before. A delivered order keeps
   * counting against the daily limit whatever happens to its payment afterwards.
   */
  deliveredAt: string | null;
};

/**
 * What a payment proof spent (a transaction hash, a Solana signature) and which order spent it.
 * `verified` when the proof was checked on chain; such a proof may take over a key that another
 * order only recorded.
 */
export type SpentProofRecord = { readonly orderId: string; readonly verified: boolean };

/**
 * The x402 authorization an order's payment was proved with: execute accepts only this one.
 * (The payload itself is a spendable authorization and is never served back.)
 */
export type X402AuthorizationRecord = {
  /** `x402NonceKey` of the authorization (`sandbox/x402.ts`). */
  readonly nonceKey: string;
  /** Its EIP-712 signature, lowercased. */
  readonly signature: string;
};

// ---- Experimental records (the SDK's @experimental endpoints) ------------------------------

/** A stored task. */
export type TaskRecord = { readonly seq: number; task: Task };

/** Which service and provider carry out a task: the decision `resolve` (or an order) made. */
export type RouteRecord = {
  readonly id: string;
  readonly taskId: string;
  readonly machineId: string;
  readonly serviceId: string;
  readonly skillKey: string;
  readonly providerKey: string;
  readonly operation: string;
  readonly createdAt: string;
};

/** A stored run, with the outcome it produced. */
export type RunRecord = { readonly seq: number; run: Run; outcome: MarketOutcome | null };

/** A stored graph node. */
export type GraphNodeRecord = { readonly seq: number; node: GraphNode };
/** A stored graph edge. */
export type GraphEdgeRecord = { readonly seq: number; edge: GraphEdge };

/** A stored policy. */
export type PolicyRecord = { readonly seq: number; policy: Policy };

/** A recorded mutation. */
export type AuditRecord = { readonly seq: number; readonly event: AuditEvent };

// ---- The store -------------------------------------------------------------------------------

/** The whole state of one sandbox app. */
export type SandboxStore = {
  // Platform
  readonly machines: Map<string, MachineRecord>;
  readonly identityChallenges: Map<string, IdentityChallengeRecord>;
  readonly pairingChallenges: Map<string, PairingChallengeRecord>;
  readonly pairings: Map<string, PairingRecord>;
  readonly machineAgents: Map<string, MachineAgentRecord>;
  /** Keyed by {@linkcode runtimeEndpointKey}. */
  readonly runtimeEndpoints: Map<string, RuntimeEndpointRecord>;
  // Market
  readonly searches: Map<string, SearchRecord>;
  readonly quotes: Map<string, QuoteRecord>;
  readonly orders: Map<string, OrderRecord>;
  /** Keyed by order id: an order has at most one payment (the record `getMarketPayment` serves). */
  readonly payments: Map<string, MarketPayment>;
  /** Keyed by proof key (`evm:<hash>`, `solana:<signature>`): each is spent by one order. */
  readonly spentProofs: Map<string, SpentProofRecord>;
  /**
   * Every x402 nonce ever accepted, keyed by `x402NonceKey` (network, asset, payer, nonce), with
   * the payment that presented it: an authorization pays for one payment, across all orders.
   */
  readonly x402Nonces: Map<string, string>;
  /** Keyed by order id: the authorization its x402 payment was proved with. */
  readonly x402Authorizations: Map<string, X402AuthorizationRecord>;
  readonly skillConfigs: Map<string, SkillConfigResponse>;
  // Experimental
  readonly tasks: Map<string, TaskRecord>;
  readonly routes: Map<string, RouteRecord>;
  readonly runs: Map<string, RunRecord>;
  readonly graphNodes: Map<string, GraphNodeRecord>;
  readonly graphEdges: Map<string, GraphEdgeRecord>;
  readonly policies: Map<string, PolicyRecord>;
  /** Append-only, in sequence order. */
  readonly audit: AuditRecord[];
};

/**
 * Creates an empty store.
 *
 * @example
 * ```ts ignore
 * const store = createStore();
 * ```
 */
export function createStore(): SandboxStore {
  return {
    machines: new Map(),
    identityChallenges: new Map(),
    pairingChallenges: new Map(),
    pairings: new Map(),
    machineAgents: new Map(),
    runtimeEndpoints: new Map(),
    searches: new Map(),
    quotes: new Map(),
    orders: new Map(),
    payments: new Map(),
    spentProofs: new Map(),
    x402Nonces: new Map(),
    x402Authorizations: new Map(),
    skillConfigs: new Map(),
    tasks: new Map(),
    routes: new Map(),
    runs: new Map(),
    graphNodes: new Map(),
    graphEdges: new Map(),
    policies: new Map(),
    audit: [],
  };
}

/**
 * The map key of a machine's runtime endpoint (provider keys are stored lowercased).
 *
 * @example
 * ```ts ignore
 * store.runtimeEndpoints.get(runtimeEndpointKey("m_1", "ollama"));
 * ```
 */
export function runtimeEndpointKey(machineId: string, providerKey: string): string {
  return `${machineId}\u0000${providerKey.toLowerCase()}`;
}
