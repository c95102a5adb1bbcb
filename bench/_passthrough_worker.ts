/**
 * The pass-through Worker of `bench/edge.ts`: the least a Worker in front of the API can do.
 * It maps `/v1/market/...` to `${UPSTREAM}/api/v1/market/...`, swaps the caller's bearer key
 * for the platform API key, and streams the upstream answer back, with no auth check, rate
 * limit, validation or SDK call. The Edge Worker's cost is measured against it, in the same
 * Miniflare run.
 *
 * @module
 */

/** The Worker's source (an ES module), as Miniflare takes it. */
export const PASSTHROUGH_WORKER = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete("host");
    headers.delete("authorization");
    headers.set("x-api-key", env.API_KEY);
    const path = url.pathname.startsWith("/v1/") ? "/api" + url.pathname : url.pathname;
    return fetch(env.UPSTREAM + path + url.search, {
      method: request.method,
      headers,
      body: request.body,
      redirect: "manual",
    });
  },
};
`;
