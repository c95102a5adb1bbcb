/**
 * Minimal loopback servers the SDK is measured against, run in a child process by
 * `startChild()`. Mode is the first argument:
 *
 * - `machine`: `GET /api/v1/machines/:id` answers `{ item: machine }` (the body is built once).
 * - `pages`: `GET /api/v1/machines?limit&cursor` answers pages of a generated collection of
 *   `--total` machines, cursor = offset; each page body is built once and cached, so repeated
 *   passes measure the client, not the server.
 * - `bare`: `GET /machines/:id` and `POST /market/search` answer a fixed small JSON body: the
 *   ceiling a Deno HTTP server reaches on this machine, the baseline of the sandbox figures.
 *
 * Prints `LISTENING <origin>` once listening on 127.0.0.1, port 0.
 *
 * @module
 */
import { machine } from "./_fixtures.ts";

const mode = Deno.args[0] ?? "machine";
const total = Number(Deno.args.find((a) => a.startsWith("--total="))?.slice(8) ?? 200_000);
const JSON_HEADERS = { "content-type": "application/json" };

const itemBody = JSON.stringify({ item: machine(1) });
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

function handle(request: Request): Response | Promise<Response> {
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
  return Response.json({ error: { code: "NOT_FOUND", message: "Not found" } }, { status: 404 });
}

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`LISTENING http://127.0.0.1:${port}`),
}, handle);
