/**
 * The compact JSON the MCP tools answer with: what a model needs to decide the next step, without
 * the API's bulk (service snapshots, x402 challenges, catalogue metadata). Every view is built
 * from a record field by field, so nothing the API adds later (or any secret) leaks through.
 *
 * @module
 */
import type {
  ExecuteMarketOrderResponse,
  MarketOrder,
  MarketPayment,
  MarketPricing,
  MarketQuote,
  MarketSearch,
  MarketService,
  PaymentRecommendation,
} from "../../../mod.ts";

/**
 * A price: `amount` and `currency`, how it is set (`fixed`, ...) and per what (`rate`).
 *
 * @example
 * ```ts ignore
 * priceView(service.pricing); // { mode: "fixed", amount: 0.01, currency: "USDC", rate: "per_request" }
 * ```
 */
export function priceView(pricing: MarketPricing): {
  mode: string;
  amount: number | null;
  currency: string | null;
  rate: string | null;
} {
  return {
    mode: pricing.mode,
    amount: pricing.amount,
    currency: pricing.currency,
    rate: pricing.rate,
  };
}

function paymentHint(payment: PaymentRecommendation | null): {
  rail: string | null;
  required: boolean;
  supportedRails: readonly string[];
} {
  return {
    rail: payment?.defaultRail ?? null,
    required: payment?.required ?? false,
    supportedRails: payment?.supportedRails ??
      (payment ? [payment.defaultRail] : []),
  };
}

/** A search's ranked quotes. */
export function searchView(search: MarketSearch): Record<string, unknown> {
  return {
    searchId: search.id,
    status: search.status,
    quotes: search.quotes.map((quote: MarketQuote) => ({
      quoteId: quote.id,
      serviceId: quote.serviceId,
      operation: quote.operation,
      executionMode: quote.executionMode,
      price: priceView(quote.pricing),
      payment: paymentHint(quote.payment),
      score: quote.score,
      reasons: quote.reasons,
      expiresAt: quote.expiresAt,
    })),
  };
}

/** A service with what ordering it takes: its operations' input fields and example inputs. */
export function serviceView(service: MarketService): Record<string, unknown> {
  return {
    serviceId: service.id,
    name: service.name,
    description: service.description,
    serviceType: service.serviceType,
    providerKey: service.providerKey,
    executionMode: service.executionMode,
    integrationStatus: service.integrationStatus,
    region: service.region,
    capabilities: service.capabilities,
    price: priceView(service.pricing),
    priceNotes: service.pricing.notes,
    payment: paymentHint(service.payment),
    operations: service.operationContracts.map((contract) => ({
      operation: contract.operation,
      summary: contract.summary,
      notes: contract.notes,
      inputFields: contract.inputFields.map((field) => ({
        key: field.key,
        type: field.type,
        required: field.required !== false,
        ...(field.description ? { description: field.description } : {}),
      })),
      exampleInput: contract.exampleInput,
    })),
  };
}

/** An order's state and what it was for. */
export function orderView(order: MarketOrder): Record<string, unknown> {
  return {
    orderId: order.id,
    status: order.status,
    serviceId: order.serviceId,
    operation: order.operation,
    machineId: order.machineId,
    agentPairingId: order.agentPairingId,
    executionMode: order.executionMode,
    price: priceView(order.serviceSnapshot.pricing),
    budget: order.budget,
    payment: paymentHint(order.payment),
    input: order.input,
    handoff: order.handoff ? { label: order.handoff.label, url: order.handoff.url } : null,
    errorMessage: order.errorMessage,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

/** A payment record (never its x402 challenge or authorization). */
export function paymentView(payment: MarketPayment): Record<string, unknown> {
  return {
    paymentId: payment.id,
    rail: payment.rail,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    chain: payment.chain,
    payerAddress: payment.payerAddress,
    payeeAddress: payment.payeeAddress,
    escrowAddress: payment.escrowAddress,
    transactionHash: payment.transactionHash,
    verificationMode: payment.verificationMode,
  };
}

/** An execution: the native outcome, or where the external handoff continues. */
export function executionView(
  result: ExecuteMarketOrderResponse,
): Record<string, unknown> {
  const execution = result.execution;
  return {
    order: { orderId: result.order.id, status: result.order.status },
    execution: execution.statusCode === 200
      ? {
        mode: execution.mode,
        status: execution.outcome.status,
        summary: execution.outcome.summary,
        output: execution.outcome.output,
      }
      : {
        mode: execution.mode,
        handoff: {
          label: execution.handoff.label,
          url: execution.handoff.url,
          notes: execution.handoff.notes,
        },
      },
  };
}
