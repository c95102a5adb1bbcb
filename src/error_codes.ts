/**
 * Server error codes, each the constant's name without the `ERROR_CODE_` prefix. Switch on
 * `err.code` of an {@linkcode OrchestrationApiError}; never parse `err.message`.
 *
 * @example Handle a spend limit
 * ```ts
 * import { ERROR_CODE_AGENT_DAILY_LIMIT_EXCEEDED, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function isDailyLimit(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError && err.code === ERROR_CODE_AGENT_DAILY_LIMIT_EXCEEDED;
 * }
 * ```
 *
 * @module
 */

/** Platform auth header missing. */
export const ERROR_CODE_AUTH_REQUIRED = "AUTH_REQUIRED";
/** Platform API key not accepted. */
export const ERROR_CODE_AUTH_INVALID = "AUTH_INVALID";
/** Pairing token header missing on an agent route. */
export const ERROR_CODE_AGENT_AUTH_REQUIRED = "AGENT_AUTH_REQUIRED";
/** Pairing token malformed, forged, or superseded by a policy change. */
export const ERROR_CODE_AGENT_AUTH_INVALID = "AGENT_AUTH_INVALID";
/** Pairing token expired; create a new session. */
export const ERROR_CODE_AGENT_AUTH_EXPIRED = "AGENT_AUTH_EXPIRED";
/** Request body or query failed validation; `details` names the fields. */
export const ERROR_CODE_VALIDATION_ERROR = "VALIDATION_ERROR";
/** No such resource or route. */
export const ERROR_CODE_NOT_FOUND = "NOT_FOUND";
/** The machine is not active. */
export const ERROR_CODE_MACHINE_NOT_ACTIVE = "MACHINE_NOT_ACTIVE";
/** The machine has no verified identity and cannot be activated or used. */
export const ERROR_CODE_MACHINE_NOT_ACTIVATED = "MACHINE_NOT_ACTIVATED";
/** Another machine already holds this identity. */
export const ERROR_CODE_MACHINE_IDENTITY_EXISTS = "MACHINE_IDENTITY_EXISTS";
/** A machine's `identityRef` cannot change once set. */
export const ERROR_CODE_MACHINE_IDENTITY_IMMUTABLE = "MACHINE_IDENTITY_IMMUTABLE";
/** An identity proof is required. */
export const ERROR_CODE_MACHINE_IDENTITY_PROOF_REQUIRED = "MACHINE_IDENTITY_PROOF_REQUIRED";
/** The identity proof's signature does not recover to a controller. */
export const ERROR_CODE_MACHINE_IDENTITY_PROOF_INVALID = "MACHINE_IDENTITY_PROOF_INVALID";
/** The identity challenge expired. */
export const ERROR_CODE_MACHINE_IDENTITY_PROOF_EXPIRED = "MACHINE_IDENTITY_PROOF_EXPIRED";
/** The identity resolver is unavailable. */
export const ERROR_CODE_PEAQOS_IDENTITY_UNAVAILABLE = "PEAQOS_IDENTITY_UNAVAILABLE";
/** A pairing proof is required. */
export const ERROR_CODE_AGENT_PAIRING_PROOF_REQUIRED = "AGENT_PAIRING_PROOF_REQUIRED";
/** The pairing proof's signature does not recover to `agentAddress`. */
export const ERROR_CODE_AGENT_PAIRING_PROOF_INVALID = "AGENT_PAIRING_PROOF_INVALID";
/** The pairing challenge expired. */
export const ERROR_CODE_AGENT_PAIRING_PROOF_EXPIRED = "AGENT_PAIRING_PROOF_EXPIRED";
/** Pairing is unavailable for this machine. */
export const ERROR_CODE_AGENT_PAIRING_UNAVAILABLE = "AGENT_PAIRING_UNAVAILABLE";
/** The call needs a pairing that matches the token. */
export const ERROR_CODE_AGENT_PAIRING_REQUIRED = "AGENT_PAIRING_REQUIRED";
/** The pairing is paused or revoked. */
export const ERROR_CODE_AGENT_PAIRING_INACTIVE = "AGENT_PAIRING_INACTIVE";
/** The delegation policy does not allow this. */
export const ERROR_CODE_AGENT_POLICY_DENIED = "AGENT_POLICY_DENIED";
/** Over the pairing's per-transaction limit. */
export const ERROR_CODE_AGENT_SPEND_LIMIT_EXCEEDED = "AGENT_SPEND_LIMIT_EXCEEDED";
/** Over the pairing's daily limit. */
export const ERROR_CODE_AGENT_DAILY_LIMIT_EXCEEDED = "AGENT_DAILY_LIMIT_EXCEEDED";
/** The quote expired; search again. */
export const ERROR_CODE_QUOTE_EXPIRED = "QUOTE_EXPIRED";
/** The order is closed and cannot change. */
export const ERROR_CODE_ORDER_CLOSED = "ORDER_CLOSED";
/** The order has not been delivered yet. */
export const ERROR_CODE_ORDER_NOT_DELIVERED = "ORDER_NOT_DELIVERED";
/** Payment is due and not held. */
export const ERROR_CODE_PAYMENT_REQUIRED = "PAYMENT_REQUIRED";
/** RPC verification was asked for but no RPC is configured. */
export const ERROR_CODE_PAYMENT_RPC_REQUIRED = "PAYMENT_RPC_REQUIRED";
/** The RPC endpoint failed. */
export const ERROR_CODE_PAYMENT_RPC_ERROR = "PAYMENT_RPC_ERROR";
/** The payment transaction reverted. */
export const ERROR_CODE_PAYMENT_TX_FAILED = "PAYMENT_TX_FAILED";
/** The payment transaction is not mined yet (HTTP 409). */
export const ERROR_CODE_PAYMENT_NOT_MINED = "PAYMENT_NOT_MINED";
/** No matching ERC-20 Transfer log in the transaction (HTTP 400). */
export const ERROR_CODE_PAYMENT_TRANSFER_NOT_FOUND = "PAYMENT_TRANSFER_NOT_FOUND";
/** The service cannot execute this way. */
export const ERROR_CODE_EXECUTION_UNSUPPORTED = "EXECUTION_UNSUPPORTED";
/** The machine's runtime endpoint did not answer. */
export const ERROR_CODE_ENDPOINT_UNREACHABLE = "ENDPOINT_UNREACHABLE";
/** Synthesised by the SDK: the response body was not JSON. */
export const ERROR_CODE_BAD_RESPONSE = "BAD_RESPONSE";
/** Synthesised by the SDK: JSON that is not the expected envelope. */
export const ERROR_CODE_INVALID_RESPONSE_SHAPE = "INVALID_RESPONSE_SHAPE";
