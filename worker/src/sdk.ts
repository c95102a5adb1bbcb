/**
 * The core SDK client the Worker talks to the Machine Markets API through, and streamed calls:
 * a proxy route whose answer the Worker does not read itself makes its SDK call through
 * {@linkcode streamCall}. The SDK still builds, authenticates and sends the request and maps
 * every failure (an error status, a non-JSON body, a timeout) as usual; only a 2xx JSON answer
 * is left unread, so its body can go back to the caller as the API sent it, instead of being
 * parsed at the edge and serialised again (that was most of the Worker's own time per request).
 * The envelope of a streamed answer is therefore not checked at the edge: the caller's own SDK
 * checks it.
 *
 * @module
 */
import { type FetchLike, type OrchestrationClient, PeaqosClient } from "../../mod.ts";
import { readConfig } from "./config.ts";
import type { Env } from "./env.ts";

// What the SDK gets in place of a streamed answer: an empty body of every envelope a streamed
// route has (`item`, `list`), so the call resolves; its value is never used. A look-alike, not a
// Response: the SDK reads only these members, and a real one costs a stream per call.
const STUB_BODY = '{"item":{},"items":[]}';
const STUB_HEADERS = new Headers({ "content-length": String(STUB_BODY.length) });
const stub = (): Response =>
  ({
    status: 200,
    ok: true,
    headers: STUB_HEADERS,
    text: () => Promise.resolve(STUB_BODY),
  }) as Response;

/** Takes the answer of the fetch the SDK starts inside {@linkcode streamCall}, if any. */
let claim: ((response: Response) => void) | undefined;

const edgeFetch: FetchLike = (input, init) => {
  const take = claim;
  claim = undefined;
  const answer = fetch(input, init);
  if (take === undefined) return answer;
  return answer.then((response) => {
    if (!response.ok || !response.headers.get("content-type")?.startsWith("application/json")) {
      return response;
    }
    take(response);
    return stub();
  });
};

// One client per isolate and configuration: building one per request costs every call a few
// microseconds, and the client keeps no per-request state (Workers get a timer per call).
let built:
  | {
    readonly url: string | undefined;
    readonly apiKey: string | undefined;
    readonly read: number;
    readonly write: number;
    readonly client: OrchestrationClient;
  }
  | undefined;

/**
 * `client.orchestration` configured from `PEAQOS_ORCHESTRATION_URL` and `PEAQOS_API_KEY`, with
 * the timeouts of `API_READ_TIMEOUT_MS` and `API_WRITE_TIMEOUT_MS` (the handoff lease is
 * computed from the same values) and no retries. Built once per isolate, again when any of
 * those settings changes.
 *
 * @example
 * ```ts ignore
 * const { item } = await orchestration(env).getMarketOrder("ord_1");
 * ```
 */
export function orchestration(env: Env): OrchestrationClient {
  const { apiReadTimeoutMs: read, apiWriteTimeoutMs: write } = readConfig(env);
  const url = env.PEAQOS_ORCHESTRATION_URL;
  const apiKey = env.PEAQOS_API_KEY;
  if (
    built !== undefined && built.url === url && built.apiKey === apiKey && built.read === read &&
    built.write === write
  ) {
    return built.client;
  }
  const client = new PeaqosClient({
    orchestrationUrl: url,
    apiKey,
    timeouts: { read, write },
    fetch: edgeFetch,
  }).orchestration;
  built = { url, apiKey, read, write, client };
  return client;
}

/** The outcome of {@linkcode streamCall}: the API's 2xx JSON answer unread, or what the SDK read. */
export type Streamed<T> =
  | { readonly upstream: Response; readonly data?: undefined }
  | { readonly upstream?: undefined; readonly data: T };

/**
 * Makes one SDK call (the one `call` starts on the client it is given) whose 2xx JSON answer
 * comes back unread as `upstream`; failures reject as the SDK's errors, as for any call.
 * Resolves to `data` instead when the SDK read the answer after all (a client that does not
 * start its fetch at once, which only costs the time this saves).
 *
 * @example
 * ```ts ignore
 * const { upstream } = await streamCall(env, (api) => api.getMarketOrder("ord_1"));
 * ```
 */
export async function streamCall<T>(
  env: Env,
  call: (api: OrchestrationClient) => Promise<T>,
): Promise<Streamed<T>> {
  const api = orchestration(env);
  let upstream: Response | undefined;
  // Only a fetch started synchronously inside `call` can take the claim: it is withdrawn before
  // any other request's code can run, so an answer never reaches another request.
  claim = (response) => (upstream = response);
  let pending: Promise<T>;
  try {
    pending = call(api);
  } finally {
    claim = undefined;
  }
  let data: T;
  try {
    data = await pending;
  } catch (error) {
    // Not expected once an answer was taken (the stub always passes), but never leave it open.
    await (upstream as Response | undefined)?.body?.cancel().catch(() => {});
    throw error;
  }
  return upstream === undefined ? { data } : { upstream };
}
