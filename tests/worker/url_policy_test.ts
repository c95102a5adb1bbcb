// The Worker's pure modules (URL policy, session crypto, config) run unchanged on Deno, so
// their edge cases are tested here directly; the URL spelling table also runs in workerd (its
// URL parser is the one that matters), and the workerd suites cover them wired into the Worker.
import { Miniflare } from "miniflare";
import { assert, assertEquals, assertMatch } from "@std/assert";
import { checkHandoffUrl } from "../../worker/src/url_policy.ts";
import { pairingClaims } from "../../worker/src/sessions.ts";
import { ACCEPTED_HOSTS, REFUSED_HOSTS } from "../_url_spellings.ts";
import { bundleWorker, disposeMiniflare, fakePairingToken } from "../_worker.ts";
import { importSessionKey, open, seal } from "../../worker/src/crypto.ts";
import { clientKeyHashes, clientKeys } from "../../worker/src/auth.ts";
import { handoffLeaseMs, readConfig } from "../../worker/src/config.ts";
import type { Env } from "../../worker/src/env.ts";

const policy = (allowedHosts: string[], allowLoopbackHttp = false) => ({
  allowedHosts,
  allowLoopbackHttp,
});

Deno.test("checkHandoffUrl() accepts https to a listed host, host:port or wildcard", () => {
  assert(
    checkHandoffUrl(
      "https://partner.example/book?x=1",
      policy(["partner.example"]),
    ).ok,
  );
  assert(
    checkHandoffUrl(
      "https://partner.example:8443/b",
      policy(["partner.example:8443"]),
    ).ok,
  );
  assert(
    checkHandoffUrl(
      "https://eu.partner.example/b",
      policy(["*.partner.example"]),
    ).ok,
  );
  assert(
    checkHandoffUrl("https://PARTNER.example/b", policy(["partner.example"]))
      .ok,
  );
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
  assert(
    !checkHandoffUrl(
      "https://partner.example/",
      policy(["partner.example:8443"]),
    ).ok,
  );
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
    const spelled of [
      "https://2130706433/",
      "https://0x7f.1/",
      "https://0251.0376.0251.0376/",
    ]
  ) {
    assert(
      !checkHandoffUrl(spelled, policy(["127.0.0.1", "169.254.169.254"])).ok,
      spelled,
    );
  }
});

/** Each table URL checked with its own host listed, so only the address policy can refuse. */
function listedVerdict(raw: string, allowLoopbackHttp = false): string {
  const listed = [new URL(raw).hostname.toLowerCase().replace(/\.+$/, "")];
  const verdict = checkHandoffUrl(raw, policy(listed, allowLoopbackHttp));
  return verdict.ok ? "ok" : verdict.reason;
}

/**
 * Whether a table host spells loopback as the local-dev flag means it: `127.0.0.0/8` (after the
 * URL parser's normalisation), `[::1]`, `localhost` or `*.localhost`, trailing dots aside.
 * Written out here rather than taken from `ipaddr.js`, so the test does not share the code's view.
 */
function spellsLoopback(host: string): boolean {
  const name = new URL(`https://${host}/`).hostname.toLowerCase().replace(/\.+$/, "");
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) || name === "[::1]" ||
    name === "localhost" || name.endsWith(".localhost");
}

const REFUSED = /private or reserved address|not a valid/;

Deno.test("checkHandoffUrl() refuses every spelling of a non-public host in the table, listed or not", () => {
  assert(REFUSED_HOSTS.length >= 80, `${REFUSED_HOSTS.length} spellings`);
  for (const host of REFUSED_HOSTS) {
    assertMatch(listedVerdict(`https://${host}/x`), REFUSED, host);
    assertMatch(
      listedVerdict(`https://${host}:8443/x`),
      REFUSED,
      `${host}:8443`,
    );
  }
  for (const host of ACCEPTED_HOSTS) {
    assertEquals(listedVerdict(`https://${host}/x`), "ok", host);
  }
});

Deno.test("checkHandoffUrl() with the local-dev flag allows only the table's loopback spellings, and refuses the rest as before", async (t) => {
  const loopback = REFUSED_HOSTS.filter(spellsLoopback);
  assert(loopback.length >= 20, `${loopback.length} loopback spellings`);
  await t.step("loopback spellings: refused without the flag, over http too", () => {
    for (const host of loopback) {
      assertMatch(listedVerdict(`https://${host}/x`), REFUSED, host);
      assertMatch(listedVerdict(`http://${host}:8789/x`), /must use https/, `http ${host}`);
    }
  });
  await t.step("loopback spellings: allowed with the flag, over http and https", () => {
    for (const host of loopback) {
      assertEquals(listedVerdict(`http://${host}:8789/x`, true), "ok", `http ${host}`);
      assertEquals(listedVerdict(`https://${host}/x`, true), "ok", `https ${host}`);
    }
  });
  await t.step("every other refused spelling: still refused with the flag", () => {
    for (const host of REFUSED_HOSTS.filter((host) => !spellsLoopback(host))) {
      assertMatch(listedVerdict(`https://${host}/x`, true), REFUSED, host);
      assertMatch(listedVerdict(`http://${host}/x`, true), /must use https/, `http ${host}`);
    }
  });
  await t.step("public hosts: https as before, never plain http", () => {
    for (const host of ACCEPTED_HOSTS) {
      assertEquals(listedVerdict(`https://${host}/x`, true), "ok", host);
      assertMatch(listedVerdict(`http://${host}/x`, true), /must use https/, `http ${host}`);
    }
  });
  await t.step("loopback outside the allowlist: refused with the flag", () => {
    for (const url of ["http://127.0.0.1:8789/x", "http://localhost:8789/x", "http://[::1]/x"]) {
      const verdict = checkHandoffUrl(url, policy(["127.0.0.1:8790", "partner.example"], true));
      assert(!verdict.ok, url);
      assertMatch(verdict.reason, /not in HANDOFF_ALLOWED_HOSTS/, url);
    }
    assert(checkHandoffUrl("http://127.0.0.1:8789/x", policy(["127.0.0.1:8789"], true)).ok);
    assert(
      !checkHandoffUrl("http://user:pw@127.0.0.1:8789/x", policy(["127.0.0.1:8789"], true)).ok,
      "credentials are refused with the flag too",
    );
  });
});

Deno.test('readConfig() turns the local-dev flag on for exactly "true"', () => {
  assertEquals(readConfig({ HANDOFF_ALLOW_LOOPBACK_HTTP: "true" } as Env).allowLoopbackHttp, true);
  for (const value of [undefined, "", "false", "TRUE", "True", "1", "yes", " true", "true "]) {
    assertEquals(
      readConfig({ HANDOFF_ALLOW_LOOPBACK_HTTP: value } as Env).allowLoopbackHttp,
      false,
      String(value),
    );
  }
});

Deno.test("checkHandoffUrl() gives the same verdicts in workerd for the whole table", async () => {
  const mf = new Miniflare({
    modules: true,
    script: await bundleWorker(
      new URL("../_url_policy_worker.ts", import.meta.url),
    ),
    compatibilityDate: "2026-04-01",
  });
  try {
    const urls = [...REFUSED_HOSTS, ...ACCEPTED_HOSTS].map((host) => `https://${host}/x`);
    const response = await mf.dispatchFetch("http://policy/", {
      method: "POST",
      body: JSON.stringify(urls),
    });
    const verdicts = await response.json() as string[];
    urls.forEach((url, i) => {
      if (i < REFUSED_HOSTS.length) {
        assertMatch(verdicts[i]!, REFUSED, `workerd: ${url}`);
      } else assertEquals(verdicts[i], "ok", `workerd: ${url}`);
      assertEquals(
        verdicts[i],
        listedVerdict(url),
        `workerd and Deno agree: ${url}`,
      );
    });
    // With the local-dev flag, over plain http: loopback spellings pass, nothing else does.
    const httpUrls = [...REFUSED_HOSTS, ...ACCEPTED_HOSTS].map((host) => `http://${host}/x`);
    const flagged = await mf.dispatchFetch("http://policy/?loopback=true", {
      method: "POST",
      body: JSON.stringify(httpUrls),
    });
    const flaggedVerdicts = await flagged.json() as string[];
    httpUrls.forEach((url, i) => {
      const host = [...REFUSED_HOSTS, ...ACCEPTED_HOSTS][i]!;
      if (spellsLoopback(host)) assertEquals(flaggedVerdicts[i], "ok", `workerd: ${url}`);
      else assertMatch(flaggedVerdicts[i]!, /must use https/, `workerd: ${url}`);
      assertEquals(flaggedVerdicts[i], listedVerdict(url, true), `workerd and Deno agree: ${url}`);
    });
  } finally {
    await disposeMiniflare(mf);
  }
});

Deno.test("checkHandoffUrl() compares listed names without trailing dots", () => {
  assert(
    checkHandoffUrl("https://partner.example./x", policy(["partner.example"]))
      .ok,
  );
  assert(
    checkHandoffUrl(
      "https://eu.partner.example../x",
      policy(["*.partner.example"]),
    ).ok,
  );
  assert(
    !checkHandoffUrl("https://evil.example./x", policy(["partner.example"])).ok,
  );
  assert(
    checkHandoffUrl("http://localhost.:8790/", policy(["localhost"], true)).ok,
  );
});

Deno.test("checkHandoffUrl() allows public IP literals that are listed", () => {
  assert(
    checkHandoffUrl("https://93.184.216.34/x", policy(["93.184.216.34"])).ok,
  );
  assert(checkHandoffUrl("https://172.32.0.1/x", policy(["172.32.0.1"])).ok);
  assert(
    checkHandoffUrl(
      "https://[2606:4700::1111]/x",
      policy(["[2606:4700::1111]"]),
    ).ok,
  );
});

Deno.test("checkHandoffUrl() allows http to listed loopback only with the local-dev flag", () => {
  const url = "http://127.0.0.1:8790/handoff";
  assert(!checkHandoffUrl(url, policy(["127.0.0.1"], false)).ok);
  assert(checkHandoffUrl(url, policy(["127.0.0.1"], true)).ok);
  assert(
    checkHandoffUrl("http://localhost:8790/", policy(["localhost"], true)).ok,
  );
  // Still only listed hosts, and still never private non-loopback addresses.
  assert(!checkHandoffUrl(url, policy(["partner.example"], true)).ok);
  assert(!checkHandoffUrl("http://10.0.0.1/", policy(["10.0.0.1"], true)).ok);
  assert(
    !checkHandoffUrl(
      "https://169.254.169.254/",
      policy(["169.254.169.254"], true),
    ).ok,
  );
});

Deno.test("seal() and open() round-trip a session bound to its pairing id", async () => {
  const key = await importSessionKey(
    btoa(String.fromCharCode(...new Uint8Array(32).fill(7))),
  );
  assert(key);
  const sealed = await seal(key, "pairing-token-value", "pair_1");
  assert(!sealed.data.includes("pairing-token-value"));
  assertEquals(await open(key, sealed, "pair_1"), "pairing-token-value");
  assertEquals(
    await open(key, sealed, "pair_2"),
    undefined,
    "moved to another pairing",
  );
  const other = await importSessionKey(
    btoa(String.fromCharCode(...new Uint8Array(32).fill(8))),
  );
  assertEquals(await open(other!, sealed, "pair_1"), undefined, "another key");
  const again = await seal(key, "pairing-token-value", "pair_1");
  assert(again.iv !== sealed.iv, "a fresh IV per seal");
});

Deno.test("importSessionKey() refuses keys that are not base64 of 32 bytes", async () => {
  for (
    const raw of [
      undefined,
      "",
      "not base64!",
      btoa("short"),
      btoa("x".repeat(33)),
    ]
  ) {
    assertEquals(await importSessionKey(raw), undefined, String(raw));
  }
});

Deno.test("clientKeys() makes a key's label its tenant, or its hash when it has no usable label", () => {
  const a = "a".repeat(64);
  const b = "b".repeat(64);
  const c = "c".repeat(64);
  assertEquals(
    clientKeys(`ops=${a}, ops=${b},${c}, bad:label=${a.toUpperCase()}`),
    [
      { hash: a, tenant: "ops" },
      { hash: b, tenant: "ops" },
      { hash: c, tenant: c },
      { hash: a, tenant: a },
    ],
  );
});

Deno.test("pairingClaims() reads a JWT's pairingId, machineId and exp, and nothing else", () => {
  assertEquals(
    pairingClaims(fakePairingToken("pair_1", { exp: 1_900_000_000, machineId: "mach_1" })),
    { pairingId: "pair_1", machineId: "mach_1", exp: 1_900_000_000 },
  );
  assertEquals(
    pairingClaims(fakePairingToken("pair_1", { exp: 1_900_000_000, machineId: 7 })),
    { pairingId: "pair_1", machineId: undefined, exp: 1_900_000_000 },
  );
  const noClaim = `${btoa("{}")}.${btoa(JSON.stringify({ sub: "x" }))}.sig`;
  for (
    const token of [
      "x".repeat(40),
      "a.b",
      "a.b.c.d",
      "header.%%%%.sig",
      `h.${btoa("not json")}.s`,
      `h.${btoa("[1]")}.s`,
      `h.${btoa(JSON.stringify({ pairingId: 7 }))}.s`,
      noClaim,
    ]
  ) {
    assertEquals(pairingClaims(token), undefined, token);
  }
});

Deno.test("clientKeyHashes() keeps only SHA-256 hex hashes, labels stripped", () => {
  const hash = "a".repeat(64);
  assertEquals(
    clientKeyHashes(
      ` dev=${hash.toUpperCase()}, ${"b".repeat(64)},plain-key,=,`,
    ),
    [
      hash,
      "b".repeat(64),
    ],
  );
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
