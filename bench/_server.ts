/**
 * Minimal loopback servers the SDK is measured against, run in a child process by
 * `startChild()`. Mode is the first argument:
 *
 * - `machine`: `GET /api/v1/machines/:id` answers `{ item: machine }` (the body is built once);
 *   for the peer SDKs of `bench/peers.ts`, `GET /v1/models/:id` (openai) and
 *   `GET /repos/:owner/:repo` (Octokit) answer the same machine record as a bare object.
 * - `pages`: `GET /api/v1/machines?limit&cursor` answers pages of a generated collection of
 *   `--total` machines, cursor = offset; each page body is built once and cached, so repeated
 *   passes measure the client, not the server.
 * - `bare`: `GET /machines/:id` and `POST /market/search` answer a fixed small JSON body: the
 *   ceiling a Deno HTTP server reaches on this machine, the baseline of the sandbox figures.
 * - `delay`: forwards every request to `--target=<origin>` after `--delay=<ms>`, to stand for an
 *   origin that is not on loopback.
 *
 * Prints `LISTENING <origin>` once listening on 127.0.0.1, port 0.
 *
 * @module
 */
import { machine } from "./_fixtures.ts";

const mode = Deno.args[0] ?? "machine";
const arg = (name: string) =>
  Deno.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const total = Number(arg("total") ?? 200_000);
const target = arg("target");
const delayMs = Number(arg("delay") ?? 0);
const JSON_HEADERS = { "content-type": "application/json" };

const itemBody = JSON.stringify({ item: machine(1) });
// The peers' routes answer a record of the same size, so every contender parses the same bytes.
const bareBody = JSON.stringify({ ...machine(1), object: "model" });
const pageCache = new Map<string, string>();

function page(offset: number, limit: number): string {
  const key = `${offset}:${limit}`;
  let body = pageCache.get(key);
  if (body === undefined) {
    const items = [];
    for (let n = offset; n < Math.min(total, offset + limit); n++) items.push(machine(n));
    const next = offset + limit < total ? String(offset + limit) : undefined;
    body = JSON.stringify(next === undefined ? { items } : { items, nextCursor: next });
    pageCache.set(key, body);
  }
  return body;
}

async function forward(request: Request): Promise<Response> {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  headers.delete("host");
  const response = await fetch(`${target}${url.pathname}${url.search}`, {
    method: request.method,
    headers,
    body: request.method === "GET" || request.method === "HEAD"
      ? null
      : await request.arrayBuffer(),
    redirect: "manual",
  });
  const body = await response.arrayBuffer();
  const out = new Headers(response.headers);
  out.delete("content-length");
  return new Response(response.status === 204 ? null : body, {
    status: response.status,
    headers: out,
  });
}

function handle(request: Request): Response | Promise<Response> {
  if (mode === "delay") return forward(request);
  const url = new URL(request.url);
  if (mode === "bare") {
    if (request.method === "POST") {
      return request.text().then(() =>
        new Response('{"item":{"id":"s-1"}}', { headers: JSON_HEADERS })
      );
    }
    return new Response(itemBody, { headers: JSON_HEADERS });
  }
  if (mode === "pages" && url.pathname === "/api/v1/machines") {
    const limit = Number(url.searchParams.get("limit") ?? 100);
    const offset = Number(url.searchParams.get("cursor") ?? 0);
    return new Response(page(offset, limit), { headers: JSON_HEADERS });
  }
  if (mode === "machine" && url.pathname.startsWith("/api/v1/machines/")) {
    return new Response(itemBody, { headers: JSON_HEADERS });
  }
  if (mode === "machine" && /^\/(?:v1\/models|repos)\//.test(url.pathname)) {
    return new Response(bareBody, { headers: JSON_HEADERS });
  }
  return Response.json({ error: { code: "NOT_FOUND", message: "Not found" } }, { status: 404 });
}

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`LISTENING http://127.0.0.1:${port}`),
}, handle);
