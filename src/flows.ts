/**
 * One-call flows composed from the flat methods of `client.orchestration`: register a machine
 * with an identity proof, pair an agent, rotate its session, and buy a service end to end.
 * Each step is the flat method itself, so a failure rejects with the same error that method
 * would raise (an `OrchestrationApiError` with the server's code, a validation error, …).
 * Every failure is an `OrchestrationError`: an answer missing a field the flow needs is
 * `INVALID_RESPONSE_SHAPE`, and an error thrown by a signer or a callback is wrapped in an
 * `OrchestrationError` whose `cause` is that error.
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
import {
  OrchestrationApiError,
  OrchestrationConfigError,
  OrchestrationError,
  OrchestrationValidationError,
} from "./errors.ts";
import type { OrchestrationClient } from "./orchestration.ts";
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
  PaymentRecommendation,
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
    readonly signer?: Signer | undefined;
    /** `did:peaq:0x…` or `peaqos:machine:<id>`; default `did:peaq:<signer address>`. */
    readonly identityRef?: string | undefined;
    /** Create the machine `active` (default) rather than `draft`. */
    readonly activate?: boolean | undefined;
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
  readonly signer?: Signer | undefined;
  readonly agentProvider: string;
  readonly agentRole: string;
  /** `did:pkh:eip155:<chainId>:<agentAddress>` when given. */
  readonly agentDid?: string | undefined;
  readonly description?: string | undefined;
  readonly delegationPolicy?: DelegationPolicyInput | undefined;
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
  readonly signer?: Signer | undefined;
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
 *   budget: { amount: 25, currency: "USD" },
 * };
 * ```
 */
export type BuyServiceParams = {
  /** The agent's pairing and token, e.g. the result of {@linkcode pairAgent}. */
  readonly session: AgentSessionRef;
  /** What to search for; `machineId` and `agentPairingId` come from `session`. */
  readonly search: Omit<MarketSearchRequest, "machineId" | "agentPairingId">;
  /** Picks the quote to order; default: the first (best ranked). Return `undefined` to stop. */
  readonly selectQuote?: ((quotes: readonly MarketQuote[]) => MarketQuote | undefined) | undefined;
  readonly operation?: string | undefined;
  readonly input?: Readonly<Record<string, unknown>> | undefined;
  readonly budget?: Money | undefined;
  readonly providerCredentials?: ProviderCredentials | undefined;
  /** Payment rail of the intent; default: the quote's `payment.defaultRail`. */
  readonly rail?: MarketPaymentRailType | undefined;
  /** Proof for rails that need one (`wallet`, `x402`, …), submitted after the intent. */
  readonly paymentProof?: PaymentStep<SubmitPaymentProofRequest> | undefined;
  /** Escrow lock for the `onchain-escrow` rail, recorded after the intent. */
  readonly escrowLock?: PaymentStep<LockEscrowPaymentRequest> | undefined;
  /** Confirm a native delivery (releasing a held payment); default `true`. */
  readonly confirm?: boolean | undefined;
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

/** A server answer without a field the flow needs. */
function shapeError(what: string): OrchestrationApiError {
  return new OrchestrationApiError({
    code: "INVALID_RESPONSE_SHAPE",
    statusCode: 200,
    message: `Unexpected response shape: ${what}`,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function requireText(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "") {
    throw shapeError(`expected ${what} to be a non-empty string`);
  }
  return value;
}

/**
 * Runs `run` so that it only ever rejects with an `OrchestrationError`: anything else (a
 * signer's or a callback's own error, a bug) is wrapped as "<what> failed: ...", the original
 * kept as `cause`. Wraps each flow as a whole and each step the caller supplies.
 */
async function guarded<T>(what: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof OrchestrationError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new OrchestrationError(`${what} failed: ${message}`, { cause: error });
  }
}

// A challenge is signed as it came; one without a message or id cannot be answered.
async function signChallenge(
  signer: MessageSigner,
  challenge: { readonly challengeId?: unknown; readonly message?: unknown },
): Promise<{ challengeId: string; signature: string }> {
  const challengeId = requireText(challenge.challengeId, "'item.challengeId'");
  const message = requireText(challenge.message, "'item.message'");
  const signature = await guarded("Signing the challenge", () => signer.signMessage(message));
  if (typeof signature !== "string" || signature === "") {
    throw new OrchestrationValidationError("signer", "a signer whose signMessage returns a string");
  }
  return { challengeId, signature };
}

function session(pairing: AgentPairing & { pairingToken?: string }): AgentSession {
  const token = pairing.pairingToken;
  if (typeof token !== "string") throw shapeError("expected 'item.pairingToken' to be a string");
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
export function registerMachine(
  client: PeaqosClient,
  params: RegisterMachineParams,
  requestOptions?: RequestOptions,
): Promise<RegisteredMachine> {
  return guarded("'registerMachine'", async () => {
    const { signer, identityRef, activate, ...machine } = params;
    const controller = resolveSigner(client, signer);
    const api = client.orchestration;
    const ref = identityRef ?? `did:peaq:${controller.address}`;
    const { item: challenge } = await api.createMachineIdentityChallenge(
      { identityRef: ref },
      requestOptions,
    );
    const identityProof = await signChallenge(controller, challenge);
    const { item } = await api.createMachine({
      ...machine,
      status: activate === false ? "draft" : "active",
      identityRef: ref,
      identityProof,
    }, requestOptions);
    return { machine: item, challenge };
  });
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
 *   delegationPolicy: { dailySpendLimit: 100, currency: "USDT" },
 * });
 * console.log(session); // { pairing: {...}, pairingToken: "[REDACTED]" }
 * ```
 */
export function pairAgent(
  client: PeaqosClient,
  params: PairAgentParams,
  requestOptions?: RequestOptions,
): Promise<AgentSession> {
  return guarded("'pairAgent'", async () => {
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
    const agentProof = await signChallenge(agent, challenge);
    const { item } = await api.createAgentPairing(machineId, {
      ...identity,
      ...(description === undefined ? {} : { description }),
      ...(delegationPolicy === undefined ? {} : { delegationPolicy }),
      agentProof,
    }, requestOptions);
    return session(item);
  });
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
export function rotateAgentSession(
  client: PeaqosClient,
  params: RotateAgentSessionParams,
  requestOptions?: RequestOptions,
): Promise<AgentSession> {
  return guarded("'rotateAgentSession'", async () => {
    const pairing = params?.pairing;
    const agent = resolveSigner(client, params?.signer);
    if (
      !isObject(pairing) || typeof pairing.agentAddress !== "string" ||
      pairing.agentAddress.toLowerCase() !== agent.address.toLowerCase()
    ) {
      throw new OrchestrationValidationError(
        "signer",
        "the key behind the pairing's 'agentAddress'",
      );
    }
    const api = client.orchestration;
    const { item: challenge } = await api.createAgentPairingChallenge(pairing.machineId, {
      agentAddress: pairing.agentAddress,
      agentProvider: pairing.agentProvider,
      agentRole: pairing.agentRole,
      ...(pairing.agentDid ? { agentDid: pairing.agentDid } : {}),
    }, requestOptions);
    const agentProof = await signChallenge(agent, challenge);
    const { item } = await api.createAgentPairingSession(pairing.machineId, pairing.id, {
      agentProof,
    }, requestOptions);
    return session(item);
  });
}

function runStep<T>(
  name: string,
  step: PaymentStep<T>,
  order: MarketOrder,
  payment: MarketPayment,
): Promise<T> {
  return guarded(
    `The '${name}' step`,
    () =>
      typeof step === "function"
        ? (step as (context: { order: MarketOrder; payment: MarketPayment }) => T | Promise<T>)(
          { order, payment },
        )
        : step,
  );
}

function isRecommendation(value: unknown): value is PaymentRecommendation {
  return isObject(value) && typeof value.defaultRail === "string" &&
    typeof value.required === "boolean";
}

// `order.payment` is the recommendation copied from the service (wire contract rev 2); older
// servers sent the payment record there, and the quote carries the same recommendation.
function recommendationOf(order: MarketOrder, quote: MarketQuote): PaymentRecommendation {
  const fromOrder: unknown = order.payment;
  if (isRecommendation(fromOrder)) return fromOrder;
  if (isRecommendation(quote.payment)) return quote.payment;
  throw shapeError("expected 'payment.defaultRail' and 'payment.required' on the order or quote");
}

// The payment record an order carries, when it carries one rather than a recommendation.
function paymentRecordOf(order: MarketOrder): MarketPayment | undefined {
  const payment: unknown = order.payment;
  return isObject(payment) && typeof payment.status === "string" && "orderId" in payment
    ? payment as MarketPayment
    : undefined;
}

type PaymentContext = {
  readonly api: OrchestrationClient;
  readonly order: MarketOrder;
  readonly rail: MarketPaymentRailType;
  readonly params: BuyServiceParams;
  readonly token: string;
  readonly requestOptions: RequestOptions | undefined;
};

/**
 * Pays for an order before it executes. The one place that picks the payment path, from the
 * rail the order recommends (or `params.rail`); resolves to the payment record, or `null` when
 * the service needs no payment.
 */
function payForOrder(
  api: OrchestrationClient,
  order: MarketOrder,
  quote: MarketQuote,
  params: BuyServiceParams,
  token: string,
  requestOptions: RequestOptions | undefined,
): Promise<MarketPayment | null> {
  const recommendation = recommendationOf(order, quote);
  if (!recommendation.required) return Promise.resolve(null);
  const context = {
    api,
    order,
    rail: params.rail ?? recommendation.defaultRail,
    params,
    token,
    requestOptions,
  };
  switch (context.rail) {
    default:
      return payWithIntent(context);
  }
}

// A payment intent on the rail, then the caller's proof or escrow lock when it gives one.
async function payWithIntent(context: PaymentContext): Promise<MarketPayment> {
  const { api, order, rail, params, token, requestOptions } = context;
  let { item: payment } = await api.createPaymentIntent(order.id, { rail }, token, requestOptions);
  if (payment.status === "intent_created" && params.paymentProof !== undefined) {
    const proof = await runStep("paymentProof", params.paymentProof, order, payment);
    ({ item: payment } = await api.submitPaymentProof(order.id, proof, token, requestOptions));
  }
  if (payment.status === "intent_created" && params.escrowLock !== undefined) {
    const lock = await runStep("escrowLock", params.escrowLock, order, payment);
    ({ item: payment } = await api.lockEscrowPayment(order.id, lock, token, requestOptions));
  }
  return payment;
}

// The quote to order, as `selectQuote` (or the default: the best ranked) picks it.
async function pickQuote(
  search: MarketSearch,
  selectQuote: BuyServiceParams["selectQuote"],
): Promise<MarketQuote | undefined> {
  if (search.status !== "matched") return undefined;
  const quotes: unknown = search.quotes;
  if (!Array.isArray(quotes)) throw shapeError("expected 'item.quotes' of a match to be an array");
  const quote = selectQuote === undefined
    ? quotes[0]
    : await guarded("The 'selectQuote' step", () => selectQuote(quotes));
  if (quote === undefined) return undefined;
  if (!isObject(quote) || typeof quote.id !== "string" || typeof quote.serviceId !== "string") {
    throw selectQuote === undefined
      ? shapeError("expected each quote to have an 'id' and a 'serviceId'")
      : new OrchestrationValidationError(
        "selectQuote",
        "a function returning a quote or undefined",
      );
  }
  return quote as MarketQuote;
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
 *   search: { query: "object detection" },
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
export function buyService(
  client: PeaqosClient,
  params: BuyServiceParams,
  requestOptions?: RequestOptions,
): Promise<PurchaseResult> {
  return guarded("'buyService'", () => purchase(client, params, requestOptions));
}

async function purchase(
  client: PeaqosClient,
  params: BuyServiceParams,
  requestOptions: RequestOptions | undefined,
): Promise<PurchaseResult> {
  const agent = params?.session;
  if (!isObject(agent) || !isObject(agent.pairing)) {
    throw new OrchestrationValidationError(
      "session",
      "an object with 'pairing' and 'pairingToken'",
    );
  }
  const token = agent.pairingToken;
  const { machineId, id: agentPairingId } = agent.pairing;
  const api = client.orchestration;
  const { item: search } = await api.searchMarket(
    { ...params.search, machineId, agentPairingId },
    token,
    requestOptions,
  );
  const quote = await pickQuote(search, params.selectQuote);
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
  const orderId = requireText(created.id, "'item.id' of the order");
  const payment = await payForOrder(api, created, quote, params, token, requestOptions);

  const executed = await api.executeMarketOrder(
    orderId,
    params.input === undefined ? {} : { input: params.input },
    token,
    requestOptions,
  );
  const { execution } = executed;
  const latestPayment = paymentRecordOf(executed.order) ?? payment;
  if (execution.statusCode === 202) {
    if (!isObject(execution.handoff)) throw shapeError("expected 'execution.handoff' of a 202");
    return {
      status: "handoff",
      search,
      quote,
      order: executed.order,
      payment: latestPayment,
      handoff: execution.handoff,
    };
  }
  if (!isObject(execution.run) || !isObject(execution.outcome)) {
    throw shapeError("expected 'execution.run' and 'execution.outcome' of a native execution");
  }
  const delivered = { search, quote, run: execution.run, outcome: execution.outcome };
  if (params.confirm === false) {
    return { status: "delivered", ...delivered, order: executed.order, payment: latestPayment };
  }
  const confirmed = await api.confirmMarketOrder(orderId, token, requestOptions);
  return {
    status: "confirmed",
    ...delivered,
    order: confirmed.order,
    payment: confirmed.payment ?? null,
  };
}
