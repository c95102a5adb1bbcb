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
function clues(error: unknown, depth: number, out: Clue[]): Clue[] {
  if (typeof error === "string" && error) out.push({ code: undefined, message: error });
  if (depth > MAX_DEPTH || error === null || typeof error !== "object") return out;
  const { code, message, errors, cause } = error as Record<string, unknown>;
  out.push({
    code: typeof code === "string" && code ? code : undefined,
    message: typeof message === "string" ? message : "",
  });
  if (Array.isArray(errors)) { for (const inner of errors) clues(inner, depth + 1, out); }
  if (cause !== undefined && cause !== error) clues(cause, depth + 1, out);
  return out;
}

const GENERIC = /^(?:fetch failed|failed to fetch|network ?error|load failed|typeerror)$/i;

// What the codes and messages of the chain point to, first match wins. In the sentences, `{t}`
// is host:port, `{h}` the host, `{c}` the innermost code (or else the detail), `{d}` the
// innermost specific message, with the code after it when the message does not name it.
const CAUSES: readonly (readonly [RegExp, string])[] = [
  // ECONNREFUSED (Node), ConnectionRefused (Bun), "Connection refused" (Deno)
  [/conn(?:ection ?)?refused/i, "connection refused: ECONNREFUSED {t}"],
  // ENOTFOUND, EAI_AGAIN, EAI_NONAME, getaddrinfo (Node), "dns error", "failed to lookup" (Deno)
  [/notfound|eai_|getaddrinfo|dns|lookup/i, "DNS lookup failed for '{h}' ({t}): {c}"],
  [/cert|tls|ssl|handshake/i, "TLS failure with {t}: {d}"],
  // ECONNRESET, EPIPE, UND_ERR_SOCKET, "other side closed", "reset by peer"
  [/reset|epipe|socket|closed/i, "connection to {t} closed before a full response: {c}"],
  // ETIMEDOUT, ENETUNREACH, EHOSTUNREACH
  [/timedout|unreach/i, "cannot reach {t}: {c}"],
  [/(?:)/, "{t}: {d}"],
];

/**
 * One sentence on why a request to `url` failed, naming the host and port and the root cause,
 * e.g. `connection refused: ECONNREFUSED 127.0.0.1:8788`.
 *
 * @internal
 */
export function describeNetworkFailure(cause: unknown, url: string): string {
  const { hostname, port, protocol } = new URL(url);
  const chain = clues(cause, 0, []);
  const codes = chain.flatMap((clue) => clue.code ?? []);
  // The innermost specific message is the root cause; wrappers only say "fetch failed".
  const detail = chain.reverse().find((clue) => clue.message && !GENERIC.test(clue.message))
    ?.message.replace(/\s+/g, " ").trim() ?? "no detail from the runtime";
  const code = codes.at(-1);
  const values: Record<string, string> = {
    t: `${hostname}:${port || (protocol === "https:" ? "443" : "80")}`,
    h: hostname,
    c: code ?? detail,
    d: code && !detail.includes(code) ? `${detail} (${code})` : detail,
  };
  const haystack = [...codes, ...chain.map((clue) => clue.message)].join(" | ");
  const [, sentence] = CAUSES.find(([pattern]) => pattern.test(haystack))!;
  return sentence.replace(/\{(\w)\}/g, (_, key: string) => values[key]!);
}
