/**
 * A tiny Worker around the Edge Worker's URL policy, so the spelling table runs through
 * workerd's own URL parser (bundled and started by `worker_url_policy_test.ts`). `POST` a JSON
 * list of URLs; the answer is, per URL, `"ok"` or the refusal's reason. Each URL's host is
 * listed (without trailing dots), so a refusal comes from the address policy, not the list.
 * `?loopback=true` checks with the local-dev flag `HANDOFF_ALLOW_LOOPBACK_HTTP` on.
 */
import { checkHandoffUrl } from "../worker/src/url_policy.ts";

export default {
  async fetch(request: Request): Promise<Response> {
    const urls = await request.json() as string[];
    const allowLoopbackHttp = new URL(request.url).searchParams.get("loopback") === "true";
    return Response.json(urls.map((raw) => {
      let listed: string[] = [];
      try {
        listed = [new URL(raw).hostname.toLowerCase().replace(/\.+$/, "")];
      } catch {
        // not a URL: the policy says so itself
      }
      const verdict = checkHandoffUrl(raw, {
        allowedHosts: listed,
        allowLoopbackHttp,
      });
      return verdict.ok ? "ok" : verdict.reason;
    }));
  },
};
