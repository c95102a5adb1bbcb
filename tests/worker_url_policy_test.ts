// The Worker's pure modules (URL policy, session crypto, config) run unchanged on Deno, so
// their edge cases are tested here directly; the workerd suites cover them wired into the Worker.
import { assert, assertEquals, assertMatch } from "@std/assert";
import { checkHandoffUrl } from "../worker/src/url_policy.ts";
import { importSessionKey, open, seal } from "../worker/src/crypto.ts";
import { clientKeyHashes } from "../worker/src/auth.ts";
import { handoffLeaseMs, readConfig } from "../worker/src/config.ts";
import type { Env } from "../worker/src/env.ts";

const policy = (allowedHosts: string[], allowLoopbackHttp = false) => ({
  allowedHosts,
  allowLoopbackHttp,
});

Deno.test("checkHandoffUrl() accepts https to a listed host, host:port or wildcard", () => {
  assert(checkHandoffUrl("https://partner.example/book?x=1", policy(["partner.example"])).ok);
  assert(checkHandoffUrl("https://partner.example:8443/b", policy(["partner.example:8443"])).ok);
  assert(checkHandoffUrl("https://eu.partner.example/b", policy(["*.partner.example"])).ok);
  assert(checkHandoffUrl("https://PARTNER.example/b", policy(["partner.example"])).ok);
});

Deno.test("checkHandoffUrl() refuses hosts outside the allowlist, lookalikes included", () => {
  const allowed = policy(["partner.example", "*.trusted.example"]);
  for (
    const url of [
      "https://evil.example/",
      "https://partner.example.evil.example/",
      "https://evilpartner.example/",
      "https://trusted.example/", // the wildcard needs a subdomain
    ]
  ) {
    const verdict = checkHandoffUrl(url, allowed);
    assert(!verdict.ok, url);
    assertMatch(verdict.reason, /not in HANDOFF_ALLOWED_HOSTS/, url);
  }
  // A listed `host:port` allows that port only; a bare host allows any port.
  assert(!checkHandoffUrl("https://partner.example/", policy(["partner.example:8443"])).ok);
});

Deno.test("checkHandoffUrl() refuses anything but https, and embedded credentials", () => {
  const allowed = policy(["partner.example"]);
  for (
    const url of [
      "http://partner.example/",
      "ftp://partner.example/",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "not a url",
      "https://user:pw@partner.example/",
    ]
  ) {
    assert(!checkHandoffUrl(url, allowed).ok, url);
  }
});

Deno.test("checkHandoffUrl() refuses private, loopback, link-local and metadata addresses even when listed", () => {
  const hosts = [
    "169.254.169.254",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "127.0.0.1",
    "0.0.0.0",
    "100.64.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "[::1]",
    "[::]",
    "[fc00::1]",
    "[fd12:3456::1]",
    "[fe80::1]",
    "[::ffff:169.254.169.254]",
    "[::ffff:10.0.0.1]",
    "[64:ff9b::a00:1]",
    "localhost",
    "metadata.google.internal",
    "db.internal",
  ];
  for (const host of hosts) {
    const verdict = checkHandoffUrl(
      `https://${host}/x`,
      policy([host, new URL(`https://${host}`).hostname]),
    );
    assert(!verdict.ok, host);
    assertMatch(verdict.reason, /private or reserved/, host);
  }
  // Alternative spellings are normalised by the URL parser before the check.
  for (
    const spelled of ["https://2130706433/", "https://0x7f.1/", "https://0251.0376.0251.0376/"]
  ) {
    assert(!checkHandoffUrl(spelled, policy(["127.0.0.1", "169.254.169.254"])).ok, spelled);
  }
});

Deno.test("checkHandoffUrl() allows public IP literals that are listed", () => {
  assert(checkHandoffUrl("https://93.184.216.34/x", policy(["93.184.216.34"])).ok);
  assert(checkHandoffUrl("https://172.32.0.1/x", policy(["172.32.0.1"])).ok);
  assert(checkHandoffUrl("https://[2606:4700::1111]/x", policy(["[2606:4700::1111]"])).ok);
});

Deno.test("checkHandoffUrl() allows http to listed loopback only with the local-dev flag", () => {
  const url = "http://127.0.0.1:8790/handoff";
  assert(!checkHandoffUrl(url, policy(["127.0.0.1"], false)).ok);
  assert(checkHandoffUrl(url, policy(["127.0.0.1"], true)).ok);
  assert(checkHandoffUrl("http://localhost:8790/", policy(["localhost"], true)).ok);
  // Still only listed hosts, and still never private non-loopback addresses.
  assert(!checkHandoffUrl(url, policy(["partner.example"], true)).ok);
  assert(!checkHandoffUrl("http://10.0.0.1/", policy(["10.0.0.1"], true)).ok);
  assert(!checkHandoffUrl("https://169.254.169.254/", policy(["169.254.169.254"], true)).ok);
});

Deno.test("seal() and open() round-trip a session bound to its pairing id", async () => {
  const key = await importSessionKey(btoa(String.fromCharCode(...new Uint8Array(32).fill(7))));
  assert(key);
  const sealed = await seal(key, "pairing-token-value", "pair_1");
  assert(!sealed.data.includes("pairing-token-value"));
  assertEquals(await open(key, sealed, "pair_1"), "pairing-token-value");
  assertEquals(await open(key, sealed, "pair_2"), undefined, "moved to another pairing");
  const other = await importSessionKey(btoa(String.fromCharCode(...new Uint8Array(32).fill(8))));
  assertEquals(await open(other!, sealed, "pair_1"), undefined, "another key");
  const again = await seal(key, "pairing-token-value", "pair_1");
  assert(again.iv !== sealed.iv, "a fresh IV per seal");
});

Deno.test("importSessionKey() refuses keys that are not base64 of 32 bytes", async () => {
  for (const raw of [undefined, "", "not base64!", btoa("short"), btoa("x".repeat(33))]) {
    assertEquals(await importSessionKey(raw), undefined, String(raw));
  }
});

Deno.test("clientKeyHashes() keeps only SHA-256 hex hashes, labels stripped", () => {
  const hash = "a".repeat(64);
  assertEquals(clientKeyHashes(` dev=${hash.toUpperCase()}, ${"b".repeat(64)},plain-key,=,`), [
    hash,
    "b".repeat(64),
  ]);
  assertEquals(clientKeyHashes(undefined), []);
});

Deno.test("handoffLeaseMs() covers the API read, provider and API write timeouts plus the margin", () => {
  const defaults = readConfig({} as Env);
  assertEquals(handoffLeaseMs(defaults), 15_000 + 10_000 + 30_000 + 30_000);
  const short = readConfig({
    HANDOFF_TIMEOUT_MS: "3000",
    API_READ_TIMEOUT_MS: "2000",
    API_WRITE_TIMEOUT_MS: "2500",
    HANDOFF_LEASE_MARGIN_MS: "500",
  } as Env);
  assertEquals(handoffLeaseMs(short), 2_000 + 3_000 + 2_500 + 500);
  // A margin of 0 is allowed; unusable values fall back to the defaults.
  const odd = readConfig({
    HANDOFF_LEASE_MARGIN_MS: "0",
    API_READ_TIMEOUT_MS: "-1",
    API_WRITE_TIMEOUT_MS: "soon",
  } as Env);
  assertEquals(handoffLeaseMs(odd), 15_000 + 10_000 + 30_000);
});
