/**
 * Saying why a request never got a response. `fetch` reports most failures as a bare
 * `TypeError: fetch failed`; the reason sits somewhere down its `cause` chain, in a different
 * shape on each runtime: Deno puts it in the message of `cause` ("tcp connect error: Connection
 * refused", "dns error: ..."), Node's undici in `cause.code` (`ECONNREFUSED`, `ENOTFOUND`,
 * `DEPTH_ZERO_SELF_SIGNED_CERT`, `UND_ERR_SOCKET`), Bun in `code` on the error itself.
 *
 * @module
 */

type Clue = { readonly code: string | undefined; readonly message: string };

const MAX_DEPTH = 8;

// Every error along the cause chain (and inside AggregateErrors), outermost first.
function clues(error: unknown, depth = 0, out: Clue[] = []): Clue[] {
  if (depth > MAX_DEPTH || error === null || typeof error !== "object") {
    if (typeof error === "string" && error !== "") {
      out.push({ code: undefined, message: error });
    }
    return out;
  }
  const { code, message, errors, cause } = error as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  out.push({
    code: typeof code === "string" && code !== "" ? code : undefined,
    message: typeof message === "string" ? message : "",
  });
  if (Array.isArray(errors)) {
    for (const inner of errors) clues(inner, depth + 1, out);
  }
  if (cause !== undefined && cause !== error) clues(cause, depth + 1, out);
  return out;
}

const GENERIC = /^(?:fetch failed|failed to fetch|network ?error|load failed|typeerror)$/i;

/**
 * One sentence on why a request to `url` failed, naming the host and port and the root cause,
 * e.g. `connection refused: ECONNREFUSED 127.0.0.1:8788`.
 *
 * @internal
 */
export function describeNetworkFailure(cause: unknown, url: string): string {
  const target = hostAndPort(url);
  const chain = clues(cause);
  const codes = chain.map((clue) => clue.code).filter((code) => code !== undefined);
  const text = chain.map((clue) => clue.message).join(" | ");
  const has = (pattern: RegExp) => codes.some((code) => pattern.test(code)) || pattern.test(text);
  // The innermost specific message is the root cause; wrappers only say "fetch failed".
  const root = [...chain].reverse().find((clue) => clue.message && !GENERIC.test(clue.message));
  const detail = root?.message.replace(/\s+/g, " ").trim() ??
    "no detail from the runtime";
  const code = codes.at(-1);

  if (has(/ECONNREFUSED|ConnectionRefused|connection refused/i)) {
    return `connection refused: ECONNREFUSED ${target}`;
  }
  if (
    has(
      /ENOTFOUND|EAI_AGAIN|EAI_NONAME|dns error|failed to lookup address|getaddrinfo/i,
    )
  ) {
    return `DNS lookup failed for '${new URL(url).hostname}' (${target}): ${code ?? detail}`;
  }
  if (has(/CERT|TLS|SSL|certificate|handshake/i)) {
    return `TLS failure with ${target}: ${detail}${
      code && !detail.includes(code) ? ` (${code})` : ""
    }`;
  }
  if (
    has(
      /ECONNRESET|EPIPE|UND_ERR_SOCKET|other side closed|connection closed|reset by peer/i,
    )
  ) {
    return `connection to ${target} closed before a full response: ${code ?? detail}`;
  }
  if (has(/ETIMEDOUT|ENETUNREACH|EHOSTUNREACH/i)) {
    return `cannot reach ${target}: ${code ?? detail}`;
  }
  return `${target}: ${detail}${code && !detail.includes(code) ? ` (${code})` : ""}`;
}

function hostAndPort(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  return `${parsed.hostname}:${port}`;
}
