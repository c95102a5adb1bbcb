/**
 * `buyService`: a purchase in one call, as the paired agent. Search → pick a quote → order →
 * pay on the rail the order recommends → execute → confirm → release. For an `x402` order the
 * payment is the public CLI's six automatic steps: the payment challenge, a local EIP-3009
 * signature (no gas, no transaction hash), the signed proof, execute with `PAYMENT-SIGNATURE`
 * (the platform settles and pays the provider), confirm.
 *
 * Before the order exists a failure is the failing method's own error; after, it is an
 * {@linkcode OrchestrationPurchaseError} naming the step and carrying the order id, with the
 * method's error as `cause`, so the caller can find and finish (or cancel) the order.
 *
 * @module
 */
import type { PeaqosClient } from "./client.ts";
import { OrchestrationPurchaseError, OrchestrationValidationError } from "./errors.ts";
import { guarded, isObject, requireText, resolveSigner, shapeError } from "./flow_helpers.ts";
import type { OrchestrationClient } from "./orchestration.ts";
import type { MessageSigner, Signer } from "./signer.ts";
import type { RequestOptions } from "./transport.ts";
import type { MarketHandoff, Money, ProviderCredentials } from "./types/common.ts";
import type {
  MarketOrder,
  MarketOutcome,
  MarketQuote,
  MarketRun,
  MarketSearch,
  MarketSearchRequest,
} from "./types/market.ts";
import type { AgentPairing } from "./types/pairings.ts";
import type {
  LockEscrowPaymentRequest,
  MarketPayment,
  MarketPaymentRailType,
  PaymentRecommendation,
  SubmitPaymentProofRequest,
} from "./types/payments.ts";
import { signX402Payment } from "./x402.ts";

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
  | ((
    context: { readonly order: MarketOrder; readonly payment: MarketPayment },
  ) => T | Promise<T>);

/**
 * The steps of a purchase, in order, as {@linkcode BuyServiceParams.onStep} reports them and
 * {@linkcode OrchestrationPurchaseError.step} names them. An x402 purchase pays with
 * `"x402 payment challenge"`, `"x402 signing"` and `"x402 payment proof"` (the public CLI's
 * names); other rails with `"payment intent"` and then `"payment proof"` or `"escrow lock"`.
 *
 * @example Usage
 * ```ts
 * import type { PurchaseStepName } from "@peaqos/peaq-os-sdk";
 *
 * const step: PurchaseStepName = "x402 signing";
 * ```
 */
export type PurchaseStepName =
  | "search"
  | "order"
  | "payment intent"
  | "payment proof"
  | "escrow lock"
  | "x402 payment challenge"
  | "x402 signing"
  | "x402 payment proof"
  | "execute"
  | "confirm"
  | "release";

/**
 * One step of a purchase as it starts: its name, and the order once it exists.
 *
 * @example Log progress
 * ```ts
 * import type { PurchaseStep } from "@peaqos/peaq-os-sdk";
 *
 * const onStep = (step: PurchaseStep) => console.log(step.name, step.orderId ?? "");
 * ```
 */
export type PurchaseStep = {
  readonly name: PurchaseStepName;
  /** The order being bought; absent for `"search"` and `"order"`. */
  readonly orderId?: string | undefined;
};

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
 *   budget: { amount: 25, currency: "USDT" },
 *   onStep: (step) => console.log(step.name),
 * };
 * ```
 */
export type BuyServiceParams = {
  /** The agent's pairing and token, e.g. the result of `pairAgent`. */
  readonly session: AgentSessionRef;
  /** What to search for; `machineId` and `agentPairingId` come from `session`. */
  readonly search: Omit<MarketSearchRequest, "machineId" | "agentPairingId">;
  /** Picks the quote to order; default: the first (best ranked). Return `undefined` to stop. */
  readonly selectQuote?:
    | ((quotes: readonly MarketQuote[]) => MarketQuote | undefined)
    | undefined;
  readonly operation?: string | undefined;
  readonly input?: Readonly<Record<string, unknown>> | undefined;
  readonly budget?: Money | undefined;
  readonly providerCredentials?: ProviderCredentials | undefined;
  /** Payment rail of the intent; default: the order's `payment.defaultRail`. */
  readonly rail?: MarketPaymentRailType | undefined;
  /** Proof for rails that need one (`wallet`, `offchain-record`, …), submitted after the intent. */
  readonly paymentProof?: PaymentStep<SubmitPaymentProofRequest> | undefined;
  /** Escrow lock for the escrow rails, recorded after the intent. */
  readonly escrowLock?: PaymentStep<LockEscrowPaymentRequest> | undefined;
  /**
   * The agent's key, for `x402`: it signs the EIP-3009 authorization and is the payer. Default:
   * the client's `signer`. Needs `signTypedData` (viem accounts, ethers Wallets and
   * `privateKeySigner` have it).
   */
  readonly signer?: Signer | undefined;
  /** Confirm a native delivery; default `true`. */
  readonly confirm?: boolean | undefined;
  /** Release a payment left `release_pending` by the confirmation; default `true`. */
  readonly release?: boolean | undefined;
  /** Told as each step starts; an error it throws fails the purchase at that step. */
  readonly onStep?: ((step: PurchaseStep) => void) | undefined;
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
  /** The payment record after the last step, or `null` when the service needs none. */
  readonly payment: MarketPayment | null;
};

/**
 * What {@linkcode buyService} resolves to, discriminated on `status`: `"confirmed"` (native,
 * delivered and confirmed), `"delivered"` (native, `confirm: false`), `"handoff"` (external
 * provider: follow `handoff.url`), or `"no_match"` (nothing fit the search; no order placed).
 *
 * @example Switch on the outcome of `buyService`
 * ```ts
 * import type { PurchaseResult } from "@peaqos/peaq-os-sdk";
 *
 * function describe(result: PurchaseResult): string {
 *   if (result.status === "no_match") return "nothing fits";
 *   if (result.status === "handoff") return `continue at ${result.handoff.url}`;
 *   return `${result.outcome.summary} (payment ${result.payment?.status ?? "none"})`;
 * }
 * ```
 */
export type PurchaseResult =
  | (PurchaseBase & {
    readonly status: "confirmed" | "delivered";
    readonly run: MarketRun;
    readonly outcome: MarketOutcome;
  })
  | (PurchaseBase & {
    readonly status: "handoff";
    readonly handoff: MarketHandoff;
  })
  | { readonly status: "no_match"; readonly search: MarketSearch };

/**
 * Buys a service in one call, as the paired agent: search → pick a quote → order → pay (on the
 * order's recommended rail, or `rail`) → execute → confirm (native) or hand off (external) →
 * release a payment the confirmation left `release_pending`. A service whose payment is not
 * required is executed straight after the order.
 *
 * Paying: `x402` is automatic (the challenge, a local EIP-3009 signature by `signer`, the proof,
 * then execute with `PAYMENT-SIGNATURE`); other rails create the intent and then submit
 * `paymentProof` or `escrowLock` when given.
 *
 * @example Buy an x402 service with the agent's key
 * ```ts ignore
 * import { buyService } from "@peaqos/peaq-os-sdk";
 * import { privateKeySigner } from "@peaqos/peaq-os-sdk/signer";
 *
 * const purchase = await buyService(client, {
 *   session,
 *   search: { serviceType: "oracle.price-feed", query: "ETH/USD" },
 *   input: { pair: "ETH/USD" },
 *   signer: privateKeySigner(agentKey),
 *   onStep: (step) => console.log(step.name),
 * });
 * if (purchase.status === "confirmed") console.log(purchase.outcome.output, purchase.payment?.status);
 * ```
 */
export function buyService(
  client: PeaqosClient,
  params: BuyServiceParams,
  requestOptions?: RequestOptions,
): Promise<PurchaseResult> {
  return guarded(
    "'buyService'",
    () => purchase(client, params, requestOptions),
  );
}

/** What one purchase carries from step to step. */
type Purchase = {
  readonly api: OrchestrationClient;
  readonly client: PeaqosClient;
  readonly params: BuyServiceParams;
  readonly token: string;
  readonly requestOptions: RequestOptions | undefined;
};

/** A paid order: the payment record, and for x402 the header execute must carry. */
type Paid = {
  readonly payment: MarketPayment | null;
  readonly paymentSignature?: string;
};

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
  const context: Purchase = {
    api: client.orchestration,
    client,
    params,
    token,
    requestOptions,
  };
  const { api } = context;

  await report(params, { name: "search" });
  const { item: search } = await api.searchMarket(
    { ...params.search, machineId, agentPairingId },
    token,
    requestOptions,
  );
  const quote = await pickQuote(search, params.selectQuote);
  if (quote === undefined) return { status: "no_match", search };

  await report(params, { name: "order" });
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
  return await afterOrder(context, search, quote, created, orderId);
}

// Every step once the order exists: a failure names its step and the order.
async function afterOrder(
  context: Purchase,
  search: MarketSearch,
  quote: MarketQuote,
  order: MarketOrder,
  orderId: string,
): Promise<PurchaseResult> {
  const { api, params, token, requestOptions } = context;
  const step = async <T>(
    name: PurchaseStepName,
    run: () => Promise<T>,
  ): Promise<T> => {
    try {
      await report(params, { name, orderId });
      return await run();
    } catch (error) {
      throw error instanceof OrchestrationPurchaseError
        ? error
        : new OrchestrationPurchaseError(name, orderId, error);
    }
  };

  const paid = await payForOrder(
    context,
    order,
    orderId,
    recommendationOf(order, quote),
    step,
  );
  const executeOptions = paid.paymentSignature === undefined
    ? requestOptions
    : { ...requestOptions, paymentSignature: paid.paymentSignature };
  const executed = await step("execute", () =>
    api.executeMarketOrder(
      orderId,
      params.input === undefined ? {} : { input: params.input },
      token,
      executeOptions,
    ));
  const { execution } = executed;
  // The payment as the last payment call returned it; confirm returns it anew.
  const payment = paid.payment;
  if (execution.statusCode === 202) {
    if (!isObject(execution.handoff)) {
      throw shapeError("expected 'execution.handoff' of a 202");
    }
    return {
      status: "handoff",
      search,
      quote,
      order: executed.order,
      payment,
      handoff: execution.handoff,
    };
  }
  if (!isObject(execution.run) || !isObject(execution.outcome)) {
    throw shapeError(
      "expected 'execution.run' and 'execution.outcome' of a native execution",
    );
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
  const confirmed = await step(
    "confirm",
    () => api.confirmMarketOrder(orderId, token, requestOptions),
  );
  let finalPayment = confirmed.payment ?? payment;
  if (finalPayment?.status === "release_pending" && params.release !== false) {
    finalPayment = (await step("release", () =>
      api.releasePayment(orderId, undefined, token, requestOptions))).item;
  }
  return {
    status: "confirmed",
    ...delivered,
    order: confirmed.order,
    payment: finalPayment,
  };
}

type Step = <T>(name: PurchaseStepName, run: () => Promise<T>) => Promise<T>;

function isRecommendation(value: unknown): value is PaymentRecommendation {
  return isObject(value) && typeof value.defaultRail === "string" &&
    typeof value.required === "boolean";
}

// `order.payment` is the recommendation copied from the service (wire contract revision 2); the
// quote carries the same one.
function recommendationOf(
  order: MarketOrder,
  quote: MarketQuote,
): PaymentRecommendation {
  if (isRecommendation(order.payment)) return order.payment;
  if (isRecommendation(quote.payment)) return quote.payment;
  throw shapeError(
    "expected 'payment.defaultRail' and 'payment.required' on the order or quote",
  );
}

/** The one place that picks how an order is paid, from its rail. */
function payForOrder(
  context: Purchase,
  order: MarketOrder,
  orderId: string,
  recommendation: PaymentRecommendation,
  step: Step,
): Promise<Paid> {
  if (!recommendation.required) return Promise.resolve({ payment: null });
  const rail = context.params.rail ?? recommendation.defaultRail;
  return rail === "x402"
    ? payWithX402(context, orderId, step)
    : payWithIntent(context, order, orderId, rail, step);
}

// x402: the challenge, a local EIP-3009 signature, the signed proof; execute carries it again.
async function payWithX402(
  context: Purchase,
  orderId: string,
  step: Step,
): Promise<Paid> {
  const { api, client, params, token, requestOptions } = context;
  let signer: MessageSigner;
  try {
    signer = resolveSigner(client, params.signer);
  } catch (error) {
    throw new OrchestrationPurchaseError("x402 signing", orderId, error);
  }
  const { item: challenge } = await step(
    "x402 payment challenge",
    () =>
      api.createPaymentIntent(
        orderId,
        { rail: "x402", payerAddress: signer.address },
        token,
        requestOptions,
      ),
  );
  const paymentRequired = challenge.x402;
  if (!isObject(paymentRequired)) {
    throw new OrchestrationPurchaseError(
      "x402 payment challenge",
      orderId,
      shapeError(
        "expected 'item.x402' (the payment challenge) on an x402 payment intent",
      ),
    );
  }
  const paymentSignature = await step(
    "x402 signing",
    () => signX402Payment(signer, paymentRequired),
  );
  const { item: payment } = await step(
    "x402 payment proof",
    () =>
      api.submitPaymentProof(
        orderId,
        { verificationMode: "x402", paymentSignature },
        token,
        requestOptions,
      ),
  );
  return { payment, paymentSignature };
}

// Other rails: the intent, then the caller's proof or escrow lock when it gives one.
async function payWithIntent(
  context: Purchase,
  order: MarketOrder,
  orderId: string,
  rail: MarketPaymentRailType,
  step: Step,
): Promise<Paid> {
  const { api, params, token, requestOptions } = context;
  let { item: payment } = await step(
    "payment intent",
    () => api.createPaymentIntent(orderId, { rail }, token, requestOptions),
  );
  const proofStep = params.paymentProof;
  if (payment.status === "intent_created" && proofStep !== undefined) {
    const proof = await step(
      "payment proof",
      () => resolveStep(proofStep, order, payment),
    );
    ({ item: payment } = await step(
      "payment proof",
      () => api.submitPaymentProof(orderId, proof, token, requestOptions),
    ));
  }
  const lockStep = params.escrowLock;
  if (payment.status === "intent_created" && lockStep !== undefined) {
    const lock = await step(
      "escrow lock",
      () => resolveStep(lockStep, order, payment),
    );
    ({ item: payment } = await step(
      "escrow lock",
      () => api.lockEscrowPayment(orderId, lock, token, requestOptions),
    ));
  }
  return { payment };
}

async function resolveStep<T>(
  step: PaymentStep<T>,
  order: MarketOrder,
  payment: MarketPayment,
): Promise<T> {
  return typeof step === "function"
    ? await (step as (
      context: { order: MarketOrder; payment: MarketPayment },
    ) => T | Promise<T>)(
      { order, payment },
    )
    : step;
}

async function report(
  params: BuyServiceParams,
  step: PurchaseStep,
): Promise<void> {
  const onStep = params.onStep;
  if (onStep !== undefined) {
    await guarded("The 'onStep' callback", () => onStep(step));
  }
}

// The quote to order, as `selectQuote` (or the default: the best ranked) picks it.
async function pickQuote(
  search: MarketSearch,
  selectQuote: BuyServiceParams["selectQuote"],
): Promise<MarketQuote | undefined> {
  if (search.status !== "matched") return undefined;
  const quotes: unknown = search.quotes;
  if (!Array.isArray(quotes)) {
    throw shapeError("expected 'item.quotes' of a match to be an array");
  }
  const quote = selectQuote === undefined
    ? quotes[0]
    : await guarded("The 'selectQuote' step", () => selectQuote(quotes));
  if (quote === undefined) return undefined;
  if (
    !isObject(quote) || typeof quote.id !== "string" ||
    typeof quote.serviceId !== "string"
  ) {
    throw selectQuote === undefined
      ? shapeError("expected each quote to have an 'id' and a 'serviceId'")
      : new OrchestrationValidationError(
        "selectQuote",
        "a function returning a quote or undefined",
      );
  }
  return quote as MarketQuote;
}
