/**
 * One-call flows composed from the flat methods of `client.orchestration`: register a machine
 * with an identity proof, pair an agent, rotate its session, and buy a service end to end.
 * Each step is the flat method itself, so a failure rejects with the same error that method
 * would raise (an `OrchestrationApiError` with the server's code, a validation error, …).
 *
 * @example The whole story in four calls
 * ```ts ignore
 * import { buyService, pairAgent, registerMachine } from "@peaqos/peaq-os-sdk";
 * import { createClient, privateKeySigner } from "@peaqos/peaq-os-sdk/signer";
 *
 * const client = createClient({ orchestrationUrl, apiKey, privateKey: machineKey });
 * const { machine } = await registerMachine(client, { displayName: "Rover 7", machineType: "rover" });
 * const session = await pairAgent(client, {
 *   machineId: machine.id, signer: privateKeySigner(agentKey), agentProvider: "anthropic", agentRole: "buyer",
 * });
 * const purchase = await buyService(client, { session, search: { query: "object detection" } });
 * if (purchase.status === "confirmed") console.log(purchase.outcome.output);
 * ```
 *
 * @module
 */
import type { PeaqosClient } from "./client.ts";
import { OrchestrationConfigError, OrchestrationValidationError } from "./errors.ts";
import { attachSecret } from "./redact.ts";
import { type MessageSigner, type Signer, toSigner } from "./signer.ts";
import type { RequestOptions } from "./transport.ts";
import type { MarketHandoff, Money, ProviderCredentials } from "./types/common.ts";
import type {
  CreateMachineRequest,
  Machine,
  MachineIdentityChallengeResponse,
} from "./types/machines.ts";
import type {
  MarketOrder,
  MarketOutcome,
  MarketQuote,
  MarketRun,
  MarketSearch,
  MarketSearchRequest,
} from "./types/market.ts";
import type { AgentPairing, DelegationPolicyInput } from "./types/pairings.ts";
import type {
  LockEscrowPaymentRequest,
  MarketPayment,
  MarketPaymentRailType,
  SubmitPaymentProofRequest,
} from "./types/payments.ts";

/**
 * Parameters of {@linkcode registerMachine}.
 *
 * @example Usage
 * ```ts
 * import type { RegisterMachineParams } from "@peaqos/peaq-os-sdk";
 *
 * const params: RegisterMachineParams = {
 *   displayName: "Rover 7",
 *   machineType: "rover",
 *   activate: true,
 * };
 * ```
 */
export type RegisterMachineParams =
  & Omit<CreateMachineRequest, "identityRef" | "identityProof" | "status">
  & {
    /** Signs the identity challenge; default: the client's `signer`. */
    readonly signer?: Signer;
    /** `did:peaq:0x…` or `peaqos:machine:<id>`; default `did:peaq:<signer address>`. */
    readonly identityRef?: string;
    /** Create the machine `active` (default) rather than `draft`. */
    readonly activate?: boolean;
  };

/**
 * What {@linkcode registerMachine} resolves to.
 *
 * @example From `registerMachine`
 * ```ts ignore
 * import { PeaqosClient, registerMachine } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({ orchestrationUrl, apiKey, signer });
 * const { machine, challenge } = await registerMachine(client, {
 *   displayName: "Rover 7",
 *   machineType: "rover",
 * });
 * console.log(machine.status, challenge.challengeId);
 * ```
 */
export type RegisteredMachine = {
  /** The created machine, identity-verified. */
  readonly machine: Machine;
  /** The challenge that was signed. */
  readonly challenge: MachineIdentityChallengeResponse;
};

/**
 * Parameters of {@linkcode pairAgent}.
 *
 * @example Usage
 * ```ts
 * import type { PairAgentParams } from "@peaqos/peaq-os-sdk";
 *
 * const params: PairAgentParams = {
 *   machineId: "mach_123",
 *   agentProvider: "openai",
 *   agentRole: "buyer",
 * };
 * ```
 */
export type PairAgentParams = {
  readonly machineId: string;
  /** The agent's key: the pairing's `agentAddress` is its address. Default: the client's `signer`. */
  readonly signer?: Signer;
  readonly agentProvider: string;
  readonly agentRole: string;
  /** `did:pkh:eip155:<chainId>:<agentAddress>` when given. */
  readonly agentDid?: string;
  readonly description?: string;
  readonly delegationPolicy?: DelegationPolicyInput;
};

/**
 * The pairing and token an agent acts with; what {@linkcode buyService} needs.
 *
 * @example Keep only what a purchase needs
 * ```ts
 * import type { AgentSessionRef } from "@peaqos/peaq-os-sdk";
 *
 * const session: AgentSessionRef = {
 *   pairing: { id: "pair_123", machineId: "mach_123" },
 *   pairingToken: "apt_…",
 * };
 * ```
 */
export type AgentSessionRef = {
  readonly pairing: Pick<AgentPairing, "id" | "machineId">;
  /** Sent as `x-agent-pairing-token`. */
  readonly pairingToken: string;
};

/**
 * A pairing with its fresh session token, returned once. `pairingToken` is readable as a
 * property but prints as `"[REDACTED]"` through `JSON.stringify`, `console.log` and inspect.
 *
 * @example From `pairAgent`
 * ```ts ignore
 * import { pairAgent } from "@peaqos/peaq-os-sdk";
 *
 * const session = await pairAgent(client, { machineId, agentProvider: "openai", agentRole: "buyer" });
 * console.log(session.pairing.status); // keep session.pairingToken secret
 * ```
 */
export type AgentSession = {
  readonly pairing: AgentPairing;
  readonly pairingToken: string;
};

/**
 * Parameters of {@linkcode rotateAgentSession}.
 *
 * @example From a stored pairing
 * ```ts ignore
 * import { rotateAgentSession, type RotateAgentSessionParams } from "@peaqos/peaq-os-sdk";
 *
 * const params: RotateAgentSessionParams = { pairing: session.pairing };
 * const fresh = await rotateAgentSession(client, params);
 * ```
 */
export type RotateAgentSessionParams = {
  /** The pairing to rotate (as returned by `pairAgent`, `listAgentPairings`, …). */
  readonly pairing: Pick<
    AgentPairing,
    "id" | "machineId" | "agentAddress" | "agentProvider" | "agentRole" | "agentDid"
  >;
  /** The key behind `pairing.agentAddress`; default: the client's `signer`. */
  readonly signer?: Signer;
};

/**
 * A value, or a function of the order's payment that produces it (e.g. after paying on chain).
 *
 * @example Compute the proof once the order exists
 * ```ts
 * import type { PaymentStep, SubmitPaymentProofRequest } from "@peaqos/peaq-os-sdk";
 *
 * const paymentProof: PaymentStep<SubmitPaymentProofRequest> = ({ payment }) => ({
 *   transactionHash: "0xabc…",
 *   amount: payment.amount,
 * });
 * ```
 */
export type PaymentStep<T> =
  | T
  | ((context: { readonly order: MarketOrder; readonly payment: MarketPayment }) => T | Promise<T>);

/**
 * Parameters of {@linkcode buyService}.
 *
 * @example Usage
 * ```ts
 * import type { BuyServiceParams } from "@peaqos/peaq-os-sdk";
 *
 * const params: BuyServiceParams = {
 *   session: { pairing: { id: "pair_123", machineId: "mach_123" }, pairingToken: "apt_…" },
 *   search: { query: "aerial mapping" },
 *   budget: { amount: "25.00", currency: "USD" },
 * };
 * ```
 */
export type BuyServiceParams = {
  /** The agent's pairing and token, e.g. the result of {@linkcode pairAgent}. */
  readonly session: AgentSessionRef;
  /** What to search for; `machineId` and `agentPairingId` come from `session`. */
  readonly search: Omit<MarketSearchRequest, "machineId" | "agentPairingId">;
  /** Picks the quote to order; default: the first (best ranked). Return `undefined` to stop. */
  readonly selectQuote?: (quotes: readonly MarketQuote[]) => MarketQuote | undefined;
  readonly operation?: string;
  readonly input?: Readonly<Record<string, unknown>>;
  readonly budget?: Money;
  readonly providerCredentials?: ProviderCredentials;
  /** Payment rail of the intent; default: the quote's `payment.defaultRail`. */
  readonly rail?: MarketPaymentRailType;
  /** Proof for rails that need one (`wallet`, `x402`, …), submitted after the intent. */
  readonly paymentProof?: PaymentStep<SubmitPaymentProofRequest>;
  /** Escrow lock for the `onchain-escrow` rail, recorded after the intent. */
  readonly escrowLock?: PaymentStep<LockEscrowPaymentRequest>;
  /** Confirm a native delivery (releasing a held payment); default `true`. */
  readonly confirm?: boolean;
};

/**
 * Fields every {@linkcode buyService} result that placed an order carries.
 *
 * @example Read what every purchase has
 * ```ts
 * import type { PurchaseBase } from "@peaqos/peaq-os-sdk";
 *
 * function orderIdOf(purchase: PurchaseBase): string {
 *   return purchase.order.id;
 * }
 * ```
 */
export type PurchaseBase = {
  readonly search: MarketSearch;
  readonly quote: MarketQuote;
  readonly order: MarketOrder;
  /** The payment after the last step, or `null` when the service needs none. */
  readonly payment: MarketPayment | null;
};

/**
 * What {@linkcode buyService} resolves to, discriminated on `status`: `"confirmed"` (native,
 * delivered and confirmed), `"delivered"` (native, `confirm: false`), `"handoff"` (external
 * provider: follow `handoff.url`), or `"no_match"` (nothing fit the search; no order placed).
 *
 * @example Switch on the outcome of `buyService`
 * ```ts ignore
 * import { buyService } from "@peaqos/peaq-os-sdk";
 *
 * const result = await buyService(client, { session, search: { query: "mapping" } });
 * if (result.status === "handoff") console.log("continue at", result.handoff.url);
 * else if (result.status !== "no_match") console.log(result.outcome);
 * ```
 */
export type PurchaseResult =
  | (PurchaseBase & {
    readonly status: "confirmed" | "delivered";
    readonly run: MarketRun;
    readonly outcome: MarketOutcome;
  })
  | (PurchaseBase & { readonly status: "handoff"; readonly handoff: MarketHandoff })
  | { readonly status: "no_match"; readonly search: MarketSearch };

function resolveSigner(client: PeaqosClient, signer: Signer | undefined): MessageSigner {
  const chosen = signer ?? client.signer;
  if (chosen === undefined) {
    throw new OrchestrationConfigError(
      "Missing 'signer': pass 'signer', or create the client with 'signer' (or with 'privateKey' through createClient() from '@peaqos/peaq-os-sdk/signer')",
    );
  }
  return toSigner(chosen);
}

function session(pairing: AgentPairing & { pairingToken?: string }): AgentSession {
  const token = pairing.pairingToken;
  if (typeof token !== "string") {
    throw new OrchestrationValidationError("pairingToken", "present in the server's response");
  }
  return attachSecret({ pairing }, "pairingToken", token);
}

/**
 * Registers a machine with a verified identity in one call: requests an identity challenge for
 * `identityRef` (default `did:peaq:<signer address>`), signs it with EIP-191, and creates the
 * machine with the proof, `active` unless `activate: false`.
 *
 * @example Register with a viem account
 * ```ts ignore
 * import { PeaqosClient, registerMachine } from "@peaqos/peaq-os-sdk";
 * import { privateKeyToAccount } from "viem/accounts";
 *
 * const client = PeaqosClient.fromEnv();
 * const { machine } = await registerMachine(client, {
 *   signer: privateKeyToAccount(controllerKey),
 *   displayName: "Rover 7",
 *   machineType: "rover",
 * });
 * console.log(machine.status); // "active"
 * ```
 */
export async function registerMachine(
  client: PeaqosClient,
  params: RegisterMachineParams,
  requestOptions?: RequestOptions,
): Promise<RegisteredMachine> {
  const { signer, identityRef, activate, ...machine } = params;
  const controller = resolveSigner(client, signer);
  const api = client.orchestration;
  const ref = identityRef ?? `did:peaq:${controller.address}`;
  const { item: challenge } = await api.createMachineIdentityChallenge(
    { identityRef: ref },
    requestOptions,
  );
  const signature = await controller.signMessage(challenge.message);
  const { item } = await api.createMachine({
    ...machine,
    status: activate === false ? "draft" : "active",
    identityRef: ref,
    identityProof: { challengeId: challenge.challengeId, signature },
  }, requestOptions);
  return { machine: item, challenge };
}

/**
 * Pairs an agent with a machine in one call: a challenge keyed to the signer's address, an
 * EIP-191 signature, then the pairing. The session token is returned once, hidden from every
 * printed form of the result.
 *
 * @example Pair an ethers wallet as a buyer
 * ```ts ignore
 * import { pairAgent } from "@peaqos/peaq-os-sdk";
 * import { Wallet } from "ethers";
 *
 * const session = await pairAgent(client, {
 *   machineId: machine.id,
 *   signer: new Wallet(agentKey),
 *   agentProvider: "anthropic",
 *   agentRole: "buyer",
 *   delegationPolicy: { dailyLimit: "100.00", currency: "USDT" },
 * });
 * console.log(session); // { pairing: {...}, pairingToken: "[REDACTED]" }
 * ```
 */
export async function pairAgent(
  client: PeaqosClient,
  params: PairAgentParams,
  requestOptions?: RequestOptions,
): Promise<AgentSession> {
  const { machineId, signer, agentProvider, agentRole, agentDid, description, delegationPolicy } =
    params;
  const agent = resolveSigner(client, signer);
  const api = client.orchestration;
  const identity = {
    agentAddress: agent.address,
    agentProvider,
    agentRole,
    ...(agentDid === undefined ? {} : { agentDid }),
  };
  const { item: challenge } = await api.createAgentPairingChallenge(
    machineId,
    identity,
    requestOptions,
  );
  const signature = await agent.signMessage(challenge.message);
  const { item } = await api.createAgentPairing(machineId, {
    ...identity,
    ...(description === undefined ? {} : { description }),
    ...(delegationPolicy === undefined ? {} : { delegationPolicy }),
    agentProof: { challengeId: challenge.challengeId, signature },
  }, requestOptions);
  return session(item);
}

/**
 * Rotates a pairing's session token with a fresh proof in one call (needed after a delegation
 * policy change, or before the token expires). The signer must hold the pairing's
 * `agentAddress`; a different key is rejected before any request.
 *
 * @example
 * ```ts ignore
 * import { rotateAgentSession } from "@peaqos/peaq-os-sdk";
 *
 * await client.orchestration.updateAgentPairing(machineId, session.pairing.id, { delegationPolicy });
 * const fresh = await rotateAgentSession(client, { pairing: session.pairing, signer: agentAccount });
 * ```
 */
export async function rotateAgentSession(
  client: PeaqosClient,
  params: RotateAgentSessionParams,
  requestOptions?: RequestOptions,
): Promise<AgentSession> {
  const { pairing } = params;
  const agent = resolveSigner(client, params.signer);
  if (
    typeof pairing?.agentAddress !== "string" ||
    pairing.agentAddress.toLowerCase() !== agent.address.toLowerCase()
  ) {
    throw new OrchestrationValidationError("signer", "the key behind the pairing's 'agentAddress'");
  }
  const api = client.orchestration;
  const { item: challenge } = await api.createAgentPairingChallenge(pairing.machineId, {
    agentAddress: pairing.agentAddress,
    agentProvider: pairing.agentProvider,
    agentRole: pairing.agentRole,
    ...(pairing.agentDid ? { agentDid: pairing.agentDid } : {}),
  }, requestOptions);
  const signature = await agent.signMessage(challenge.message);
  const { item } = await api.createAgentPairingSession(pairing.machineId, pairing.id, {
    agentProof: { challengeId: challenge.challengeId, signature },
  }, requestOptions);
  return session(item);
}

async function runStep<T>(
  step: PaymentStep<T>,
  order: MarketOrder,
  payment: MarketPayment,
): Promise<T> {
  return typeof step === "function"
    ? await (step as (context: { order: MarketOrder; payment: MarketPayment }) => T | Promise<T>)(
      { order, payment },
    )
    : step;
}

/**
 * Buys a service in one call, as the paired agent: search → pick a quote → order → pay (a
 * payment intent on `rail`, then `paymentProof` or `escrowLock` when given) → execute → confirm
 * (native) or hand off (external). Every step is the flat method, so failures reject with that
 * method's error (e.g. `AGENT_SPEND_LIMIT_EXCEEDED` from the order, `PAYMENT_REQUIRED` from
 * execute when a due payment was not made).
 *
 * @example Buy the best match and pay from a wallet
 * ```ts ignore
 * import { buyService } from "@peaqos/peaq-os-sdk";
 *
 * const purchase = await buyService(client, {
 *   session,
 *   search: { query: "object detection", maxPrice: "5.00" },
 *   input: { imageUrl: "https://example.com/frame.jpg" },
 *   rail: "wallet",
 *   paymentProof: async ({ payment }) => ({ transactionHash: await pay(payment), verificationMode: "rpc" }),
 * });
 * switch (purchase.status) {
 *   case "confirmed": console.log(purchase.outcome.summary); break;
 *   case "handoff": console.log("continue at", purchase.handoff.url); break;
 *   case "no_match": console.log("nothing fits"); break;
 * }
 * ```
 */
export async function buyService(
  client: PeaqosClient,
  params: BuyServiceParams,
  requestOptions?: RequestOptions,
): Promise<PurchaseResult> {
  const { session: agent, search: criteria } = params;
  if (
    typeof agent !== "object" || agent === null || typeof agent.pairing !== "object" ||
    agent.pairing === null
  ) {
    throw new OrchestrationValidationError(
      "session",
      "an object with 'pairing' and 'pairingToken'",
    );
  }
  const token = agent.pairingToken;
  const { machineId, id: agentPairingId } = agent.pairing;
  const api = client.orchestration;
  const { item: search } = await api.searchMarket(
    { ...criteria, machineId, agentPairingId },
    token,
    requestOptions,
  );
  const quote = search.status === "matched"
    ? (params.selectQuote ?? ((quotes) => quotes[0]))(search.quotes)
    : undefined;
  if (quote === undefined) return { status: "no_match", search };

  const { item: created } = await api.createMarketOrder(
    {
      machineId,
      agentPairingId,
      serviceId: quote.serviceId,
      quoteId: quote.id,
      searchId: search.id,
      ...(params.operation === undefined ? {} : { operation: params.operation }),
      ...(params.input === undefined ? {} : { input: params.input }),
      ...(params.budget === undefined ? {} : { budget: params.budget }),
      ...(params.providerCredentials === undefined
        ? {}
        : { providerCredentials: params.providerCredentials }),
    },
    token,
    requestOptions,
  );

  // `created.payment` is the rail recommendation; the payment record starts with the intent.
  let payment: MarketPayment | null = null;
  if (quote.payment.required) {
    const rail = params.rail ?? quote.payment.defaultRail;
    ({ item: payment } = await api.createPaymentIntent(
      created.id,
      { rail },
      token,
      requestOptions,
    ));
    if (payment.status === "intent_created" && params.paymentProof !== undefined) {
      const proof = await runStep(params.paymentProof, created, payment);
      ({ item: payment } = await api.submitPaymentProof(created.id, proof, token, requestOptions));
    }
    if (payment.status === "intent_created" && params.escrowLock !== undefined) {
      const lock = await runStep(params.escrowLock, created, payment);
      ({ item: payment } = await api.lockEscrowPayment(created.id, lock, token, requestOptions));
    }
  }

  const executed = await api.executeMarketOrder(
    created.id,
    params.input === undefined ? {} : { input: params.input },
    token,
    requestOptions,
  );
  const { execution } = executed;
  if (execution.statusCode === 202) {
    return {
      status: "handoff",
      search,
      quote,
      order: executed.order,
      payment,
      handoff: execution.handoff,
    };
  }
  const delivered = {
    search,
    quote,
    run: execution.run,
    outcome: execution.outcome,
  };
  if (params.confirm === false) {
    return {
      status: "delivered",
      ...delivered,
      order: executed.order,
      payment,
    };
  }
  const confirmed = await api.confirmMarketOrder(created.id, token, requestOptions);
  return {
    status: "confirmed",
    ...delivered,
    order: confirmed.order,
    payment: confirmed.payment,
  };
}
