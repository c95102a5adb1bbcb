/**
 * Server error codes, each the constant's name without the `ERROR_CODE_` prefix. Switch on
 * `err.code` of an {@linkcode OrchestrationApiError}; never parse `err.message`.
 *
 * @example Handle a spend limit
 * ```ts
 * import {
 *   ERROR_CODE_AGENT_DAILY_LIMIT_EXCEEDED,
 *   OrchestrationApiError,
 * } from "@peaqos/peaq-os-sdk";
 *
 * function isDailyLimit(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError &&
 *     err.code === ERROR_CODE_AGENT_DAILY_LIMIT_EXCEEDED;
 * }
 * ```
 *
 * @module
 */

/**
 * Platform auth header missing.
 *
 * @example Detect it
 * ```ts
 * import { ERROR_CODE_AUTH_REQUIRED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function isAuthRequired(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError && err.code === ERROR_CODE_AUTH_REQUIRED;
 * }
 * ```
 */
export const ERROR_CODE_AUTH_REQUIRED = "AUTH_REQUIRED";
/**
 * Platform API key not accepted.
 *
 * @example Warn and carry on
 * ```ts
 * import { ERROR_CODE_AUTH_INVALID, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function warnOnAuthInvalid(err: unknown): void {
 *   if (err instanceof OrchestrationApiError && err.code === ERROR_CODE_AUTH_INVALID) {
 *     console.warn(err.statusCode, err.message, err.requestId);
 *   }
 * }
 * ```
 */
export const ERROR_CODE_AUTH_INVALID = "AUTH_INVALID";
/**
 * Pairing token header missing on an agent route.
 *
 * @example Narrow, then compare
 * ```ts
 * import { ERROR_CODE_AGENT_AUTH_REQUIRED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function matchesAgentAuthRequired(err: unknown): boolean {
 *   if (!(err instanceof OrchestrationApiError)) return false;
 *   return err.code === ERROR_CODE_AGENT_AUTH_REQUIRED;
 * }
 * ```
 */
export const ERROR_CODE_AGENT_AUTH_REQUIRED = "AGENT_AUTH_REQUIRED";
/**
 * Pairing token malformed, forged, or superseded by a policy change.
 *
 * @example Filter failures
 * ```ts
 * import { ERROR_CODE_AGENT_AUTH_INVALID, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * const agentAuthInvalidErrors = (errors: unknown[]) =>
 *   errors.filter((err) =>
 *     err instanceof OrchestrationApiError && err.code === ERROR_CODE_AGENT_AUTH_INVALID
 *   );
 * ```
 */
export const ERROR_CODE_AGENT_AUTH_INVALID = "AGENT_AUTH_INVALID";
/**
 * Pairing token expired; create a new session.
 *
 * @example Detect it
 * ```ts
 * import { ERROR_CODE_AGENT_AUTH_EXPIRED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function isAgentAuthExpired(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError && err.code === ERROR_CODE_AGENT_AUTH_EXPIRED;
 * }
 * ```
 */
export const ERROR_CODE_AGENT_AUTH_EXPIRED = "AGENT_AUTH_EXPIRED";
/**
 * Request body or query failed validation; `details` names the fields.
 *
 * @example Warn and carry on
 * ```ts
 * import { ERROR_CODE_VALIDATION_ERROR, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function warnOnValidationError(err: unknown): void {
 *   if (err instanceof OrchestrationApiError && err.code === ERROR_CODE_VALIDATION_ERROR) {
 *     console.warn(err.statusCode, err.message, err.requestId);
 *   }
 * }
 * ```
 */
export const ERROR_CODE_VALIDATION_ERROR = "VALIDATION_ERROR";
/**
 * No such resource or route.
 *
 * @example Narrow, then compare
 * ```ts
 * import { ERROR_CODE_NOT_FOUND, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function matchesNotFound(err: unknown): boolean {
 *   if (!(err instanceof OrchestrationApiError)) return false;
 *   return err.code === ERROR_CODE_NOT_FOUND;
 * }
 * ```
 */
export const ERROR_CODE_NOT_FOUND = "NOT_FOUND";
/**
 * The machine is not active.
 *
 * @example Filter failures
 * ```ts
 * import { ERROR_CODE_MACHINE_NOT_ACTIVE, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * const machineNotActiveErrors = (errors: unknown[]) =>
 *   errors.filter((err) =>
 *     err instanceof OrchestrationApiError && err.code === ERROR_CODE_MACHINE_NOT_ACTIVE
 *   );
 * ```
 */
export const ERROR_CODE_MACHINE_NOT_ACTIVE = "MACHINE_NOT_ACTIVE";
/**
 * The machine has no verified identity and cannot be activated or used.
 *
 * @example Detect it
 * ```ts
 * import { ERROR_CODE_MACHINE_NOT_ACTIVATED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function isMachineNotActivated(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError && err.code === ERROR_CODE_MACHINE_NOT_ACTIVATED;
 * }
 * ```
 */
export const ERROR_CODE_MACHINE_NOT_ACTIVATED = "MACHINE_NOT_ACTIVATED";
/**
 * Another machine already holds this identity.
 *
 * @example Warn and carry on
 * ```ts
 * import { ERROR_CODE_MACHINE_IDENTITY_EXISTS, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function warnOnMachineIdentityExists(err: unknown): void {
 *   if (err instanceof OrchestrationApiError && err.code === ERROR_CODE_MACHINE_IDENTITY_EXISTS) {
 *     console.warn(err.statusCode, err.message, err.requestId);
 *   }
 * }
 * ```
 */
export const ERROR_CODE_MACHINE_IDENTITY_EXISTS = "MACHINE_IDENTITY_EXISTS";
/**
 * A machine's `identityRef` cannot change once set.
 *
 * @example Narrow, then compare
 * ```ts
 * import {
 *   ERROR_CODE_MACHINE_IDENTITY_IMMUTABLE,
 *   OrchestrationApiError,
 * } from "@peaqos/peaq-os-sdk";
 *
 * function matchesMachineIdentityImmutable(err: unknown): boolean {
 *   if (!(err instanceof OrchestrationApiError)) return false;
 *   return err.code === ERROR_CODE_MACHINE_IDENTITY_IMMUTABLE;
 * }
 * ```
 */
export const ERROR_CODE_MACHINE_IDENTITY_IMMUTABLE = "MACHINE_IDENTITY_IMMUTABLE";
/**
 * An identity proof is required.
 *
 * @example Filter failures
 * ```ts
 * import {
 *   ERROR_CODE_MACHINE_IDENTITY_PROOF_REQUIRED,
 *   OrchestrationApiError,
 * } from "@peaqos/peaq-os-sdk";
 *
 * const machineIdentityProofRequiredErrors = (errors: unknown[]) =>
 *   errors.filter((err) =>
 *     err instanceof OrchestrationApiError && err.code === ERROR_CODE_MACHINE_IDENTITY_PROOF_REQUIRED
 *   );
 * ```
 */
export const ERROR_CODE_MACHINE_IDENTITY_PROOF_REQUIRED = "MACHINE_IDENTITY_PROOF_REQUIRED";
/**
 * The identity proof's signature does not recover to a controller.
 *
 * @example Detect it
 * ```ts
 * import {
 *   ERROR_CODE_MACHINE_IDENTITY_PROOF_INVALID,
 *   OrchestrationApiError,
 * } from "@peaqos/peaq-os-sdk";
 *
 * function isMachineIdentityProofInvalid(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError &&
 *     err.code === ERROR_CODE_MACHINE_IDENTITY_PROOF_INVALID;
 * }
 * ```
 */
export const ERROR_CODE_MACHINE_IDENTITY_PROOF_INVALID = "MACHINE_IDENTITY_PROOF_INVALID";
/**
 * The identity challenge expired.
 *
 * @example Warn and carry on
 * ```ts
 * import {
 *   ERROR_CODE_MACHINE_IDENTITY_PROOF_EXPIRED,
 *   OrchestrationApiError,
 * } from "@peaqos/peaq-os-sdk";
 *
 * function warnOnMachineIdentityProofExpired(err: unknown): void {
 *   if (
 *     err instanceof OrchestrationApiError && err.code === ERROR_CODE_MACHINE_IDENTITY_PROOF_EXPIRED
 *   ) {
 *     console.warn(err.statusCode, err.message, err.requestId);
 *   }
 * }
 * ```
 */
export const ERROR_CODE_MACHINE_IDENTITY_PROOF_EXPIRED = "MACHINE_IDENTITY_PROOF_EXPIRED";
/**
 * The identity resolver is unavailable.
 *
 * @example Narrow, then compare
 * ```ts
 * import {
 *   ERROR_CODE_PEAQOS_IDENTITY_UNAVAILABLE,
 *   OrchestrationApiError,
 * } from "@peaqos/peaq-os-sdk";
 *
 * function matchesPeaqosIdentityUnavailable(err: unknown): boolean {
 *   if (!(err instanceof OrchestrationApiError)) return false;
 *   return err.code === ERROR_CODE_PEAQOS_IDENTITY_UNAVAILABLE;
 * }
 * ```
 */
export const ERROR_CODE_PEAQOS_IDENTITY_UNAVAILABLE = "PEAQOS_IDENTITY_UNAVAILABLE";
/**
 * A pairing proof is required.
 *
 * @example Filter failures
 * ```ts
 * import {
 *   ERROR_CODE_AGENT_PAIRING_PROOF_REQUIRED,
 *   OrchestrationApiError,
 * } from "@peaqos/peaq-os-sdk";
 *
 * const agentPairingProofRequiredErrors = (errors: unknown[]) =>
 *   errors.filter((err) =>
 *     err instanceof OrchestrationApiError && err.code === ERROR_CODE_AGENT_PAIRING_PROOF_REQUIRED
 *   );
 * ```
 */
export const ERROR_CODE_AGENT_PAIRING_PROOF_REQUIRED = "AGENT_PAIRING_PROOF_REQUIRED";
/**
 * The pairing proof's signature does not recover to `agentAddress`.
 *
 * @example Detect it
 * ```ts
 * import {
 *   ERROR_CODE_AGENT_PAIRING_PROOF_INVALID,
 *   OrchestrationApiError,
 * } from "@peaqos/peaq-os-sdk";
 *
 * function isAgentPairingProofInvalid(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError &&
 *     err.code === ERROR_CODE_AGENT_PAIRING_PROOF_INVALID;
 * }
 * ```
 */
export const ERROR_CODE_AGENT_PAIRING_PROOF_INVALID = "AGENT_PAIRING_PROOF_INVALID";
/**
 * The pairing challenge expired.
 *
 * @example Warn and carry on
 * ```ts
 * import {
 *   ERROR_CODE_AGENT_PAIRING_PROOF_EXPIRED,
 *   OrchestrationApiError,
 * } from "@peaqos/peaq-os-sdk";
 *
 * function warnOnAgentPairingProofExpired(err: unknown): void {
 *   if (
 *     err instanceof OrchestrationApiError && err.code === ERROR_CODE_AGENT_PAIRING_PROOF_EXPIRED
 *   ) {
 *     console.warn(err.statusCode, err.message, err.requestId);
 *   }
 * }
 * ```
 */
export const ERROR_CODE_AGENT_PAIRING_PROOF_EXPIRED = "AGENT_PAIRING_PROOF_EXPIRED";
/**
 * Pairing is unavailable for this machine.
 *
 * @example Narrow, then compare
 * ```ts
 * import { ERROR_CODE_AGENT_PAIRING_UNAVAILABLE, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function matchesAgentPairingUnavailable(err: unknown): boolean {
 *   if (!(err instanceof OrchestrationApiError)) return false;
 *   return err.code === ERROR_CODE_AGENT_PAIRING_UNAVAILABLE;
 * }
 * ```
 */
export const ERROR_CODE_AGENT_PAIRING_UNAVAILABLE = "AGENT_PAIRING_UNAVAILABLE";
/**
 * The call needs a pairing that matches the token.
 *
 * @example Filter failures
 * ```ts
 * import { ERROR_CODE_AGENT_PAIRING_REQUIRED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * const agentPairingRequiredErrors = (errors: unknown[]) =>
 *   errors.filter((err) =>
 *     err instanceof OrchestrationApiError && err.code === ERROR_CODE_AGENT_PAIRING_REQUIRED
 *   );
 * ```
 */
export const ERROR_CODE_AGENT_PAIRING_REQUIRED = "AGENT_PAIRING_REQUIRED";
/**
 * The pairing is paused or revoked.
 *
 * @example Detect it
 * ```ts
 * import { ERROR_CODE_AGENT_PAIRING_INACTIVE, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function isAgentPairingInactive(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError && err.code === ERROR_CODE_AGENT_PAIRING_INACTIVE;
 * }
 * ```
 */
export const ERROR_CODE_AGENT_PAIRING_INACTIVE = "AGENT_PAIRING_INACTIVE";
/**
 * The delegation policy does not allow this.
 *
 * @example Warn and carry on
 * ```ts
 * import { ERROR_CODE_AGENT_POLICY_DENIED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function warnOnAgentPolicyDenied(err: unknown): void {
 *   if (err instanceof OrchestrationApiError && err.code === ERROR_CODE_AGENT_POLICY_DENIED) {
 *     console.warn(err.statusCode, err.message, err.requestId);
 *   }
 * }
 * ```
 */
export const ERROR_CODE_AGENT_POLICY_DENIED = "AGENT_POLICY_DENIED";
/**
 * Over the pairing's per-transaction limit.
 *
 * @example Narrow, then compare
 * ```ts
 * import {
 *   ERROR_CODE_AGENT_SPEND_LIMIT_EXCEEDED,
 *   OrchestrationApiError,
 * } from "@peaqos/peaq-os-sdk";
 *
 * function matchesAgentSpendLimitExceeded(err: unknown): boolean {
 *   if (!(err instanceof OrchestrationApiError)) return false;
 *   return err.code === ERROR_CODE_AGENT_SPEND_LIMIT_EXCEEDED;
 * }
 * ```
 */
export const ERROR_CODE_AGENT_SPEND_LIMIT_EXCEEDED = "AGENT_SPEND_LIMIT_EXCEEDED";
/**
 * Over the pairing's daily limit.
 *
 * @example Filter failures
 * ```ts
 * import {
 *   ERROR_CODE_AGENT_DAILY_LIMIT_EXCEEDED,
 *   OrchestrationApiError,
 * } from "@peaqos/peaq-os-sdk";
 *
 * const agentDailyLimitExceededErrors = (errors: unknown[]) =>
 *   errors.filter((err) =>
 *     err instanceof OrchestrationApiError && err.code === ERROR_CODE_AGENT_DAILY_LIMIT_EXCEEDED
 *   );
 * ```
 */
export const ERROR_CODE_AGENT_DAILY_LIMIT_EXCEEDED = "AGENT_DAILY_LIMIT_EXCEEDED";
/**
 * The quote expired; search again.
 *
 * @example Detect it
 * ```ts
 * import { ERROR_CODE_QUOTE_EXPIRED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function isQuoteExpired(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError && err.code === ERROR_CODE_QUOTE_EXPIRED;
 * }
 * ```
 */
export const ERROR_CODE_QUOTE_EXPIRED = "QUOTE_EXPIRED";
/**
 * The order is closed and cannot change.
 *
 * @example Warn and carry on
 * ```ts
 * import { ERROR_CODE_ORDER_CLOSED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function warnOnOrderClosed(err: unknown): void {
 *   if (err instanceof OrchestrationApiError && err.code === ERROR_CODE_ORDER_CLOSED) {
 *     console.warn(err.statusCode, err.message, err.requestId);
 *   }
 * }
 * ```
 */
export const ERROR_CODE_ORDER_CLOSED = "ORDER_CLOSED";
/**
 * The order has not been delivered yet.
 *
 * @example Narrow, then compare
 * ```ts
 * import { ERROR_CODE_ORDER_NOT_DELIVERED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function matchesOrderNotDelivered(err: unknown): boolean {
 *   if (!(err instanceof OrchestrationApiError)) return false;
 *   return err.code === ERROR_CODE_ORDER_NOT_DELIVERED;
 * }
 * ```
 */
export const ERROR_CODE_ORDER_NOT_DELIVERED = "ORDER_NOT_DELIVERED";
/**
 * Payment is due and not held.
 *
 * @example Filter failures
 * ```ts
 * import { ERROR_CODE_PAYMENT_REQUIRED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * const paymentRequiredErrors = (errors: unknown[]) =>
 *   errors.filter((err) =>
 *     err instanceof OrchestrationApiError && err.code === ERROR_CODE_PAYMENT_REQUIRED
 *   );
 * ```
 */
export const ERROR_CODE_PAYMENT_REQUIRED = "PAYMENT_REQUIRED";
/**
 * RPC verification was asked for but no RPC is configured.
 *
 * @example Detect it
 * ```ts
 * import { ERROR_CODE_PAYMENT_RPC_REQUIRED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function isPaymentRpcRequired(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError && err.code === ERROR_CODE_PAYMENT_RPC_REQUIRED;
 * }
 * ```
 */
export const ERROR_CODE_PAYMENT_RPC_REQUIRED = "PAYMENT_RPC_REQUIRED";
/**
 * The RPC endpoint failed.
 *
 * @example Warn and carry on
 * ```ts
 * import { ERROR_CODE_PAYMENT_RPC_ERROR, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function warnOnPaymentRpcError(err: unknown): void {
 *   if (err instanceof OrchestrationApiError && err.code === ERROR_CODE_PAYMENT_RPC_ERROR) {
 *     console.warn(err.statusCode, err.message, err.requestId);
 *   }
 * }
 * ```
 */
export const ERROR_CODE_PAYMENT_RPC_ERROR = "PAYMENT_RPC_ERROR";
/**
 * The payment transaction reverted.
 *
 * @example Narrow, then compare
 * ```ts
 * import { ERROR_CODE_PAYMENT_TX_FAILED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function matchesPaymentTxFailed(err: unknown): boolean {
 *   if (!(err instanceof OrchestrationApiError)) return false;
 *   return err.code === ERROR_CODE_PAYMENT_TX_FAILED;
 * }
 * ```
 */
export const ERROR_CODE_PAYMENT_TX_FAILED = "PAYMENT_TX_FAILED";
/**
 * The payment transaction is not mined yet (HTTP 409).
 *
 * @example Filter failures
 * ```ts
 * import { ERROR_CODE_PAYMENT_NOT_MINED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * const paymentNotMinedErrors = (errors: unknown[]) =>
 *   errors.filter((err) =>
 *     err instanceof OrchestrationApiError && err.code === ERROR_CODE_PAYMENT_NOT_MINED
 *   );
 * ```
 */
export const ERROR_CODE_PAYMENT_NOT_MINED = "PAYMENT_NOT_MINED";
/**
 * No matching ERC-20 Transfer log in the transaction (HTTP 400).
 *
 * @example Detect it
 * ```ts
 * import {
 *   ERROR_CODE_PAYMENT_TRANSFER_NOT_FOUND,
 *   OrchestrationApiError,
 * } from "@peaqos/peaq-os-sdk";
 *
 * function isPaymentTransferNotFound(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError &&
 *     err.code === ERROR_CODE_PAYMENT_TRANSFER_NOT_FOUND;
 * }
 * ```
 */
export const ERROR_CODE_PAYMENT_TRANSFER_NOT_FOUND = "PAYMENT_TRANSFER_NOT_FOUND";
/**
 * The service cannot execute this way.
 *
 * @example Warn and carry on
 * ```ts
 * import { ERROR_CODE_EXECUTION_UNSUPPORTED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function warnOnExecutionUnsupported(err: unknown): void {
 *   if (err instanceof OrchestrationApiError && err.code === ERROR_CODE_EXECUTION_UNSUPPORTED) {
 *     console.warn(err.statusCode, err.message, err.requestId);
 *   }
 * }
 * ```
 */
export const ERROR_CODE_EXECUTION_UNSUPPORTED = "EXECUTION_UNSUPPORTED";
/**
 * The machine's runtime endpoint did not answer.
 *
 * @example Narrow, then compare
 * ```ts
 * import { ERROR_CODE_ENDPOINT_UNREACHABLE, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function matchesEndpointUnreachable(err: unknown): boolean {
 *   if (!(err instanceof OrchestrationApiError)) return false;
 *   return err.code === ERROR_CODE_ENDPOINT_UNREACHABLE;
 * }
 * ```
 */
export const ERROR_CODE_ENDPOINT_UNREACHABLE = "ENDPOINT_UNREACHABLE";
/**
 * Synthesised by the SDK: the response body was not JSON.
 *
 * @example Filter failures
 * ```ts
 * import { ERROR_CODE_BAD_RESPONSE, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * const badResponseErrors = (errors: unknown[]) =>
 *   errors.filter((err) =>
 *     err instanceof OrchestrationApiError && err.code === ERROR_CODE_BAD_RESPONSE
 *   );
 * ```
 */
export const ERROR_CODE_BAD_RESPONSE = "BAD_RESPONSE";
/**
 * Synthesised by the SDK: JSON that is not the expected envelope.
 *
 * @example Detect it
 * ```ts
 * import { ERROR_CODE_INVALID_RESPONSE_SHAPE, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function isInvalidResponseShape(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError && err.code === ERROR_CODE_INVALID_RESPONSE_SHAPE;
 * }
 * ```
 */
export const ERROR_CODE_INVALID_RESPONSE_SHAPE = "INVALID_RESPONSE_SHAPE";
