/**
 * Reading a response body with a size cap, so a hostile or broken server cannot make the SDK
 * buffer hundreds of megabytes: a declared `content-length` over the cap is refused before any
 * byte is read, and a body that grows past it is cancelled at the first chunk over.
 *
 * @module
 */

/**
 * Default cap on a response body, in bytes (8 MiB): far above any answer of the API (a page of
 * 500 records is well under 1 MiB), far below what hurts a process.
 *
 * @example Raise the cap for a client that reads huge pages
 * ```ts
 * import { DEFAULT_MAX_RESPONSE_BYTES, PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({
 *   orchestrationUrl: "https://orchestration.peaq.xyz",
 *   maxResponseBytes: 4 * DEFAULT_MAX_RESPONSE_BYTES,
 * });
 * ```
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * The body of `response` as text, or `undefined` when it is larger than `limit` bytes (the body
 * is then cancelled, never left open). Network errors while reading reject as they come.
 *
 * @internal
 */
export function readBodyText(
  response: Response,
  limit: number,
): Promise<string | undefined> {
  const declared = response.headers.get("content-length");
  // A declared length bounds the body exactly (the HTTP framing enforces it), unless the
  // runtime decompresses it: then only counting the decoded bytes does. `text()` is the fast
  // path; `response.body` is not touched on it, since reading that getter turns the runtime's
  // internal body into a JavaScript stream, which costs microseconds per call.
  if (declared !== null) {
    if (Number(declared) > limit) return cancel(response.body);
    if (response.headers.get("content-encoding") === null) {
      return response.text();
    }
  }
  return readCounting(response, limit);
}

async function cancel(
  body: ReadableStream<Uint8Array> | null,
): Promise<undefined> {
  await body?.cancel().catch(() => {});
  return undefined;
}

async function readCounting(
  response: Response,
  limit: number,
): Promise<string | undefined> {
  const body = response.body;
  if (body === null) return "";
  if (body === undefined) {
    // Not a real Response (an injected fetch may resolve to a look-alike): text() is all there is.
    const text = await response.text();
    return text.length > limit ? undefined : text;
  }
  const reader = body.getReader();
  const chunks: BlobPart[] = [];
  let size = 0;
  for (let chunk; !(chunk = await reader.read()).done;) {
    size += chunk.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(chunk.value as Uint8Array<ArrayBuffer>);
  }
  // UTF-8, as `text()` decodes.
  return new Blob(chunks).text();
}
