/**
 * The TypeScript SDK for peaq's Machine Markets API: machines publish services, AI agents
 * paired to them buy those services, and orders are executed and paid for. Zero runtime
 * dependencies; runs unchanged on Deno, Node >= 20, Bun, Cloudflare Workers and browsers.
 *
 * @example Search the market and buy a service
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const market = client.orchestration;
 * const { item: search } = await market.searchMarket({ machineId, agentPairingId, query: "mapping" }, pairingToken);
 * const quote = search.quotes[0]!;
 * const { item: order } = await market.createMarketOrder(
 *   { machineId, agentPairingId, serviceId: quote.serviceId, quoteId: quote.id, searchId: search.id },
 *   pairingToken,
 * );
 * const result = await market.executeMarketOrder(order.id, {}, pairingToken);
 * ```
 *
 * @module
 */
export { PeaqosClient } from "./src/client.ts";
export type { PeaqosClientOptions } from "./src/client.ts";
export { OrchestrationClient } from "./src/orchestration.ts";
export type {
  OrchestrationClientConstructor,
  OrchestrationWithResponse,
} from "./src/orchestration.ts";
export type { MachinesApi } from "./src/orchestration/machines.ts";
export type { AgentPairingsApi } from "./src/orchestration/pairings.ts";
export type { MachineAgentsApi } from "./src/orchestration/agents.ts";
export type { SkillsApi } from "./src/orchestration/skills.ts";
export type { MarketApi } from "./src/orchestration/market.ts";
export type { PaymentsApi } from "./src/orchestration/payments.ts";
export type { ExperimentalApi } from "./src/orchestration/experimental.ts";
export {
  OrchestrationApiError,
  OrchestrationConfigError,
  OrchestrationError,
  OrchestrationNetworkError,
  OrchestrationPurchaseError,
  OrchestrationValidationError,
  OrchestrationWebhookError,
  PeaqosError,
  SignerError,
} from "./src/errors.ts";
export type { RequestSummary, WebhookRefusalReason } from "./src/errors.ts";
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  signWebhook,
  signWebhookHeaders,
  verifyWebhook,
} from "./src/webhooks.ts";
export type {
  VerifiedWebhook,
  VerifyWebhookOptions,
  WebhookHeaders,
  WebhookHeadersInput,
  WebhookMessage,
  WebhookSecret,
} from "./src/webhooks.ts";
export * from "./src/error_codes.ts";
export { REDACTED, sanitizeBody } from "./src/redact.ts";
export { MARKET_PAYMENT_RAILS } from "./src/payment_rails.ts";
export { MAX_LIST_LIMIT, validateListQuery } from "./src/validation.ts";
export {
  API_BASE_PATH,
  DEFAULT_READ_TIMEOUT_MS,
  DEFAULT_WRITE_TIMEOUT_MS,
} from "./src/transport.ts";
export type {
  ErrorHookInfo,
  FetchLike,
  RequestHookInfo,
  RequestOptions,
  RequestPathOptions,
  ResponseHookInfo,
  RetryHookInfo,
  TimeoutOptions,
  WithResponse,
} from "./src/transport.ts";
export { DEFAULT_MAX_RESPONSE_BYTES } from "./src/read_body.ts";
export type { Logger, LogLevel } from "./src/logging.ts";
export { isHandoffExecution, isNativeExecution } from "./src/execution.ts";
export type { RetryOptions } from "./src/retry.ts";
export type { EnvSource, EnvVarName } from "./src/env.ts";
export { VERSION } from "./src/version.ts";
export { toSigner } from "./src/signer.ts";
export type { MessageSigner, Signer, ViemLocalAccountSigner } from "./src/signer.ts";
export type { TypedDataDomain, TypedDataField, TypedDataTypes } from "./src/signer.ts";
export { signX402Payment } from "./src/x402.ts";
export type { SignX402PaymentOptions } from "./src/x402.ts";
export { pairAgent, registerMachine, rotateAgentSession } from "./src/flows.ts";
export type {
  AgentSession,
  PairAgentParams,
  RegisteredMachine,
  RegisterMachineParams,
  RotateAgentSessionParams,
} from "./src/flows.ts";
export { buyService } from "./src/purchase.ts";
export type {
  AgentSessionRef,
  BuyServiceParams,
  PaymentStep,
  PurchaseBase,
  PurchaseResult,
  PurchaseStep,
  PurchaseStepName,
} from "./src/purchase.ts";
export type * from "./src/types/mod.ts";
