/**
 * Verifies an EVM payment proof over JSON-RPC: the transaction's receipt must exist, have
 * succeeded, and carry an ERC-20 `Transfer` log of the expected token, payer, payee and amount.
 *
 * @module
 */
import { ApiError } from "./errors.ts";

/** keccak256("Transfer(address,address,uint256)"), the ERC-20 Transfer event's topic0. */
export const TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

/** How long one JSON-RPC call may take before it counts as an RPC failure. */
const RPC_TIMEOUT_MS = 5_000;

/** What the transfer must look like; addresses are compared case-insensitively. */
export type ExpectedTransfer = {
  readonly transactionHash: string;
  readonly token: string;
  readonly from: string;
  readonly to: string;
  /** Amount in the token's base units. */
  readonly amount: bigint;
};

type ReceiptLog = { address?: unknown; topics?: unknown; data?: unknown };
type Receipt = { status?: unknown; logs?: unknown };

/**
 * Checks `expected` against the receipt served by `rpcUrl`; resolves when a matching
 * Transfer log exists and otherwise rejects with an {@linkcode ApiError}:
 * `PAYMENT_RPC_ERROR` (502), `PAYMENT_NOT_MINED` (409), `PAYMENT_TX_FAILED` (402: the
 * transaction reverted, so nothing was paid) or `PAYMENT_TRANSFER_NOT_FOUND` (400, details name
 * the expected transfer with `baseUnits` as a decimal string, since token base units can exceed
 * a JSON number's exact range). The RPC URL never appears in a message (it may hold a key).
 *
 * @example
 * ```ts ignore
 * await verifyErc20Transfer("http://127.0.0.1:8545", {
 *   transactionHash: "0x…", token: usdt, from: payer, to: payee, amount: 1_500_000n,
 * });
 * ```
 */
export async function verifyErc20Transfer(
  rpcUrl: string,
  expected: ExpectedTransfer,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  const receipt = await fetchReceipt(rpcUrl, expected.transactionHash, fetchImpl);
  if (receipt === null) {
    throw new ApiError(
      409,
      "PAYMENT_NOT_MINED",
      `Transaction not mined yet: '${expected.transactionHash}'`,
    );
  }
  if (receipt.status !== "0x1" && receipt.status !== 1 && receipt.status !== "0x01") {
    throw new ApiError(
      402,
      "PAYMENT_TX_FAILED",
      `Transaction failed on chain: '${expected.transactionHash}'`,
    );
  }
  const logs = Array.isArray(receipt.logs) ? (receipt.logs as ReceiptLog[]) : [];
  if (!logs.some((log) => matchesTransfer(log, expected))) {
    throw new ApiError(
      400,
      "PAYMENT_TRANSFER_NOT_FOUND",
      `No matching ERC-20 Transfer in transaction: '${expected.transactionHash}'`,
      {
        token: expected.token,
        from: expected.from,
        to: expected.to,
        baseUnits: expected.amount.toString(),
      },
    );
  }
}

async function fetchReceipt(
  rpcUrl: string,
  transactionHash: string,
  fetchImpl: typeof fetch,
): Promise<Receipt | null> {
  let payload: unknown;
  try {
    const response = await fetchImpl(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "eth_getTransactionReceipt",
        params: [transactionHash],
      }),
      signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    payload = JSON.parse(text);
  } catch (err) {
    throw rpcError(err instanceof Error ? err.message : "unknown failure");
  }
  if (payload === null || typeof payload !== "object") throw rpcError("not a JSON-RPC response");
  const body = payload as { error?: { message?: unknown }; result?: unknown };
  if (body.error) {
    const message = typeof body.error.message === "string" ? body.error.message : "error";
    throw rpcError(`JSON-RPC error: ${message}`);
  }
  if (!("result" in body)) throw rpcError("response has no 'result'");
  if (body.result === null) return null;
  if (typeof body.result !== "object") throw rpcError("'result' is not a receipt");
  return body.result as Receipt;
}

function rpcError(detail: string): ApiError {
  return new ApiError(502, "PAYMENT_RPC_ERROR", `Payment RPC call failed: ${detail}`);
}

function matchesTransfer(log: ReceiptLog, expected: ExpectedTransfer): boolean {
  if (typeof log.address !== "string" || !sameHex(log.address, expected.token)) return false;
  if (!Array.isArray(log.topics) || log.topics.length !== 3) return false;
  const [topic0, fromTopic, toTopic] = log.topics as unknown[];
  if (typeof topic0 !== "string" || !sameHex(topic0, TRANSFER_TOPIC)) return false;
  if (topicAddress(fromTopic) !== expected.from.toLowerCase()) return false;
  if (topicAddress(toTopic) !== expected.to.toLowerCase()) return false;
  if (typeof log.data !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(log.data)) return false;
  return BigInt(log.data) === expected.amount;
}

// An indexed address is the 20-byte address left-padded to 32 bytes.
function topicAddress(topic: unknown): string | undefined {
  if (typeof topic !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(topic)) return undefined;
  return `0x${topic.slice(26).toLowerCase()}`;
}

function sameHex(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
