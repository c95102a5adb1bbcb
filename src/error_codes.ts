/**
 * Error codes of {@linkcode OrchestrationApiError}: one {@linkcode ERROR_CODE} object, the
 * {@linkcode ErrorCode} union derived from it, and the `ERROR_CODE_*` constants of the SDK
 * document, each equal to its name without the prefix. The constants repeat their value as a
 * literal rather than reading `ERROR_CODE.X`: a property read is not provably free of side
 * effects, so bundlers would keep every unused constant (2.8 KB minified).
 *
 * @module
 */

/**
 * Every error code the SDK knows, keyed by itself. Switch on `err.code` of an
 * {@linkcode OrchestrationApiError}; never parse `err.message`.
 *
 * The server's codes are those of the SDK document and the public API reference, plus
 * `IDEMPOTENCY_KEY_REUSED` and `PAYLOAD_TOO_LARGE` of the wire contract. The SDK synthesises
 * two more when a response cannot be read: `BAD_RESPONSE` (a body that is not JSON, too large,
 * or a redirect) and `INVALID_RESPONSE_SHAPE` (JSON that is not the promised envelope). A
 * server may send codes not listed here; `err.code` is then that string.
 *
 * @example Handle a spend limit
 * ```ts
 * import { ERROR_CODE, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * function isOverBudget(err: unknown): boolean {
 *   return err instanceof OrchestrationApiError &&
 *     (err.code === ERROR_CODE.AGENT_DAILY_LIMIT_EXCEEDED ||
 *       err.code === ERROR_CODE.AGENT_SPEND_LIMIT_EXCEEDED);
 * }
 * ```
 */
export const ERROR_CODE = {
  /** Platform auth is on and no `x-api-key` was sent. */
  AUTH_REQUIRED: "AUTH_REQUIRED",
  /** The platform API key was not accepted. */
  AUTH_INVALID: "AUTH_INVALID",
  /** An agent route got no pairing token. */
  AGENT_AUTH_REQUIRED: "AGENT_AUTH_REQUIRED",
  /** The pairing token is malformed, forged, or superseded by a policy change. */
  AGENT_AUTH_INVALID: "AGENT_AUTH_INVALID",
  /** The pairing token expired; create a new session. */
  AGENT_AUTH_EXPIRED: "AGENT_AUTH_EXPIRED",
  /** The request body or query failed validation; `details` names the fields. */
  VALIDATION_ERROR: "VALIDATION_ERROR",
  /** No such resource or route. */
  NOT_FOUND: "NOT_FOUND",
  /** The machine is not active. */
  MACHINE_NOT_ACTIVE: "MACHINE_NOT_ACTIVE",
  /** The machine has no verified identity and cannot be activated or used. */
  MACHINE_NOT_ACTIVATED: "MACHINE_NOT_ACTIVATED",
  /** Another machine already holds this identity. */
  MACHINE_IDENTITY_EXISTS: "MACHINE_IDENTITY_EXISTS",
  /** A machine's `identityRef` cannot change once set. */
  MACHINE_IDENTITY_IMMUTABLE: "MACHINE_IDENTITY_IMMUTABLE",
  /** An identity proof is required. */
  MACHINE_IDENTITY_PROOF_REQUIRED: "MACHINE_IDENTITY_PROOF_REQUIRED",
  /** The identity proof's signature does not recover to a controller. */
  MACHINE_IDENTITY_PROOF_INVALID: "MACHINE_IDENTITY_PROOF_INVALID",
  /** The identity challenge expired. */
  MACHINE_IDENTITY_PROOF_EXPIRED: "MACHINE_IDENTITY_PROOF_EXPIRED",
  /** The identity resolver is unavailable. */
  PEAQOS_IDENTITY_UNAVAILABLE: "PEAQOS_IDENTITY_UNAVAILABLE",
  /** A pairing proof is required. */
  AGENT_PAIRING_PROOF_REQUIRED: "AGENT_PAIRING_PROOF_REQUIRED",
  /** The pairing proof's signature does not recover to `agentAddress`. */
  AGENT_PAIRING_PROOF_INVALID: "AGENT_PAIRING_PROOF_INVALID",
  /** The pairing challenge expired. */
  AGENT_PAIRING_PROOF_EXPIRED: "AGENT_PAIRING_PROOF_EXPIRED",
  /** Pairing is switched off for this deployment or machine. */
  AGENT_PAIRING_UNAVAILABLE: "AGENT_PAIRING_UNAVAILABLE",
  /** The call needs a pairing that matches the token. */
  AGENT_PAIRING_REQUIRED: "AGENT_PAIRING_REQUIRED",
  /** The pairing (or machine agent) is paused or revoked. */
  AGENT_PAIRING_INACTIVE: "AGENT_PAIRING_INACTIVE",
  /** The delegation policy does not allow this. */
  AGENT_POLICY_DENIED: "AGENT_POLICY_DENIED",
  /** Over the pairing's per-transaction limit. */
  AGENT_SPEND_LIMIT_EXCEEDED: "AGENT_SPEND_LIMIT_EXCEEDED",
  /** Over the pairing's daily limit. */
  AGENT_DAILY_LIMIT_EXCEEDED: "AGENT_DAILY_LIMIT_EXCEEDED",
  /** The quote expired; search again. */
  QUOTE_EXPIRED: "QUOTE_EXPIRED",
  /** The order is closed and cannot change. */
  ORDER_CLOSED: "ORDER_CLOSED",
  /** The order has not been delivered yet. */
  ORDER_NOT_DELIVERED: "ORDER_NOT_DELIVERED",
  /** Payment is due and not held (HTTP 402). */
  PAYMENT_REQUIRED: "PAYMENT_REQUIRED",
  /** RPC verification was asked for but no RPC is configured. */
  PAYMENT_RPC_REQUIRED: "PAYMENT_RPC_REQUIRED",
  /** The RPC endpoint failed (HTTP 502). */
  PAYMENT_RPC_ERROR: "PAYMENT_RPC_ERROR",
  /** The payment transaction reverted, or an x402 payload was refused (HTTP 402). */
  PAYMENT_TX_FAILED: "PAYMENT_TX_FAILED",
  /** The payment transaction is not mined yet (HTTP 409). */
  PAYMENT_NOT_MINED: "PAYMENT_NOT_MINED",
  /** No matching ERC-20 Transfer log in the transaction (HTTP 400). */
  PAYMENT_TRANSFER_NOT_FOUND: "PAYMENT_TRANSFER_NOT_FOUND",
  /** The service cannot execute this way. */
  EXECUTION_UNSUPPORTED: "EXECUTION_UNSUPPORTED",
  /** The machine's runtime endpoint did not answer. */
  ENDPOINT_UNREACHABLE: "ENDPOINT_UNREACHABLE",
  /** The `idempotency-key` was used before with a different body (HTTP 409). */
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  /** The request body is larger than the server accepts (HTTP 413). */
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  /** Synthesised by the SDK: a body that is not JSON, one over `maxResponseBytes`, or a redirect. */
  BAD_RESPONSE: "BAD_RESPONSE",
  /** Synthesised by the SDK: JSON that is not the promised envelope, or no body where one is due. */
  INVALID_RESPONSE_SHAPE: "INVALID_RESPONSE_SHAPE",
} as const;

/**
 * A known error code: one of the values of {@linkcode ERROR_CODE}.
 *
 * @example Exhaustive handling of the codes an app cares about
 * ```ts
 * import type { ErrorCode } from "@peaqos/peaq-os-sdk";
 *
 * const retryable: readonly ErrorCode[] = ["QUOTE_EXPIRED", "PAYMENT_NOT_MINED"];
 * ```
 */
export type ErrorCode = typeof ERROR_CODE[keyof typeof ERROR_CODE];

/** Platform auth is on and no `x-api-key` was sent. */
export const ERROR_CODE_AUTH_REQUIRED = "AUTH_REQUIRED";
/** The platform API key was not accepted. */
export const ERROR_CODE_AUTH_INVALID = "AUTH_INVALID";
/** An agent route got no pairing token. */
export const ERROR_CODE_AGENT_AUTH_REQUIRED = "AGENT_AUTH_REQUIRED";
/** The pairing token is malformed, forged or superseded. */
export const ERROR_CODE_AGENT_AUTH_INVALID = "AGENT_AUTH_INVALID";
/** The pairing token expired. */
export const ERROR_CODE_AGENT_AUTH_EXPIRED = "AGENT_AUTH_EXPIRED";
/** The request failed validation. */
export const ERROR_CODE_VALIDATION_ERROR = "VALIDATION_ERROR";
/** No such resource or route. */
export const ERROR_CODE_NOT_FOUND = "NOT_FOUND";
/** The machine is not active. */
export const ERROR_CODE_MACHINE_NOT_ACTIVE = "MACHINE_NOT_ACTIVE";
/** The machine has no verified identity. */
export const ERROR_CODE_MACHINE_NOT_ACTIVATED = "MACHINE_NOT_ACTIVATED";
/** Another machine holds this identity. */
export const ERROR_CODE_MACHINE_IDENTITY_EXISTS = "MACHINE_IDENTITY_EXISTS";
/** `"MACHINE_IDENTITY_IMMUTABLE"`: `identityRef` cannot change once set. */
export const ERROR_CODE_MACHINE_IDENTITY_IMMUTABLE = "MACHINE_IDENTITY_IMMUTABLE";
/** An identity proof is required. */
export const ERROR_CODE_MACHINE_IDENTITY_PROOF_REQUIRED = "MACHINE_IDENTITY_PROOF_REQUIRED";
/** The identity proof does not verify. */
export const ERROR_CODE_MACHINE_IDENTITY_PROOF_INVALID = "MACHINE_IDENTITY_PROOF_INVALID";
/** The identity challenge expired. */
export const ERROR_CODE_MACHINE_IDENTITY_PROOF_EXPIRED = "MACHINE_IDENTITY_PROOF_EXPIRED";
/** The identity resolver is unavailable. */
export const ERROR_CODE_PEAQOS_IDENTITY_UNAVAILABLE = "PEAQOS_IDENTITY_UNAVAILABLE";
/** A pairing proof is required. */
export const ERROR_CODE_AGENT_PAIRING_PROOF_REQUIRED = "AGENT_PAIRING_PROOF_REQUIRED";
/** The pairing proof does not verify. */
export const ERROR_CODE_AGENT_PAIRING_PROOF_INVALID = "AGENT_PAIRING_PROOF_INVALID";
/** The pairing challenge expired. */
export const ERROR_CODE_AGENT_PAIRING_PROOF_EXPIRED = "AGENT_PAIRING_PROOF_EXPIRED";
/** Pairing is switched off. */
export const ERROR_CODE_AGENT_PAIRING_UNAVAILABLE = "AGENT_PAIRING_UNAVAILABLE";
/** The call needs a pairing that matches the token. */
export const ERROR_CODE_AGENT_PAIRING_REQUIRED = "AGENT_PAIRING_REQUIRED";
/** The pairing is paused or revoked. */
export const ERROR_CODE_AGENT_PAIRING_INACTIVE = "AGENT_PAIRING_INACTIVE";
/** The delegation policy does not allow this. */
export const ERROR_CODE_AGENT_POLICY_DENIED = "AGENT_POLICY_DENIED";
/** Over the per-transaction limit. */
export const ERROR_CODE_AGENT_SPEND_LIMIT_EXCEEDED = "AGENT_SPEND_LIMIT_EXCEEDED";
/** Over the daily limit. */
export const ERROR_CODE_AGENT_DAILY_LIMIT_EXCEEDED = "AGENT_DAILY_LIMIT_EXCEEDED";
/** The quote expired. */
export const ERROR_CODE_QUOTE_EXPIRED = "QUOTE_EXPIRED";
/** The order is closed. */
export const ERROR_CODE_ORDER_CLOSED = "ORDER_CLOSED";
/** The order has not been delivered yet. */
export const ERROR_CODE_ORDER_NOT_DELIVERED = "ORDER_NOT_DELIVERED";
/** Payment is due and not held. */
export const ERROR_CODE_PAYMENT_REQUIRED = "PAYMENT_REQUIRED";
/** RPC verification needs an RPC the server lacks. */
export const ERROR_CODE_PAYMENT_RPC_REQUIRED = "PAYMENT_RPC_REQUIRED";
/** The RPC endpoint failed. */
export const ERROR_CODE_PAYMENT_RPC_ERROR = "PAYMENT_RPC_ERROR";
/** The payment transaction or payload was refused. */
export const ERROR_CODE_PAYMENT_TX_FAILED = "PAYMENT_TX_FAILED";
/** The payment transaction is not mined yet. */
export const ERROR_CODE_PAYMENT_NOT_MINED = "PAYMENT_NOT_MINED";
/** No matching ERC-20 Transfer log. */
export const ERROR_CODE_PAYMENT_TRANSFER_NOT_FOUND = "PAYMENT_TRANSFER_NOT_FOUND";
/** The service cannot execute this way. */
export const ERROR_CODE_EXECUTION_UNSUPPORTED = "EXECUTION_UNSUPPORTED";
/** The machine's runtime endpoint did not answer. */
export const ERROR_CODE_ENDPOINT_UNREACHABLE = "ENDPOINT_UNREACHABLE";
/** The key was used before with a different body. */
export const ERROR_CODE_IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED";
/** The request body is too large for the server. */
export const ERROR_CODE_PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE";
/** Synthesised by the SDK for a response it cannot read. */
export const ERROR_CODE_BAD_RESPONSE = "BAD_RESPONSE";
/** Synthesised by the SDK for JSON of the wrong shape. */
export const ERROR_CODE_INVALID_RESPONSE_SHAPE = "INVALID_RESPONSE_SHAPE";
