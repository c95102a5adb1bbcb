/**
 * Which handoff URLs the runner may call: `https:` to a host in `HANDOFF_ALLOWED_HOSTS`, never
 * an IP literal in a private, loopback, link-local, metadata or otherwise non-public range,
 * never with embedded credentials. Plain `http:` to loopback is allowed only with the local-dev
 * flag `HANDOFF_ALLOW_LOOPBACK_HTTP=true` (and the host must still be listed).
 *
 * A Worker cannot resolve DNS itself, so a listed hostname is trusted to resolve publicly;
 * keep the list to hosts you control or trust.
 *
 * @module
 */

/** The result of {@linkcode checkHandoffUrl}. */
export type UrlVerdict =
  | { readonly ok: true; readonly url: URL }
  | { readonly ok: false; readonly reason: string };

/** Options of {@linkcode checkHandoffUrl}. */
export type UrlPolicy = {
  /** Lowercase hostnames, `host:port`, or `*.suffix` wildcards. */
  readonly allowedHosts: readonly string[];
  readonly allowLoopbackHttp: boolean;
};

const BLOCKED_HOSTNAMES = new Set([
  "localhost",
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
]);

function parseIpv4(host: string): number[] | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) {
    return undefined;
  }
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

/** Whether an IPv4 address is anything but public unicast. */
function isNonPublicIpv4([a, b, c]: number[]): boolean {
  return a === 0 || a === 10 || a === 127 || // this network, private, loopback
    (a === 100 && b! >= 64 && b! <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata (169.254.169.254)
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) || // IETF, TEST-NET-1
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a! >= 224; // multicast, reserved, broadcast
}

function expandIpv6(host: string): number[] | undefined {
  let text = host;
  // Embedded IPv4 (::ffff:1.2.3.4); the URL parser normally rewrites it to hex already.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const octets = parseIpv4(v4[1]!);
    if (!octets) return undefined;
    text = text.slice(0, -v4[1]!.length) +
      `${((octets[0]! << 8) | octets[1]!).toString(16)}:${
        ((octets[2]! << 8) | octets[3]!).toString(16)
      }`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [
    ...head,
    ...Array(halves.length === 2 ? missing : 0).fill("0"),
    ...tail,
  ];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) {
    return undefined;
  }
  return groups.map((group) => parseInt(group, 16));
}

/** Whether an IPv6 address is anything but global unicast. */
function isNonPublicIpv6(groups: number[]): boolean {
  const [g0 = 0, g1 = 0, , , , g5 = 0, g6 = 0, g7 = 0] = groups;
  const allZeroUpTo = (n: number) => groups.slice(0, n).every((group) => group === 0);
  if (allZeroUpTo(7) && (g7 === 0 || g7 === 1)) return true; // :: and ::1
  if (allZeroUpTo(5) && g5 === 0xffff) { // IPv4-mapped
    return isNonPublicIpv4([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]);
  }
  if (allZeroUpTo(6)) return true; // IPv4-compatible (deprecated)
  if (g0 === 0x64 && g1 === 0xff9b) return true; // NAT64 can reach private IPv4
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((g0 & 0xff00) === 0xff00) return true; // multicast
  if (g0 === 0x2001 && g1 === 0x0db8) return true; // documentation
  return false;
}

function isLoopback(hostname: string): boolean {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  const v4 = parseIpv4(hostname);
  if (v4) return v4[0] === 127;
  if (hostname.startsWith("[")) {
    const v6 = expandIpv6(hostname.slice(1, -1));
    return v6 !== undefined && v6.slice(0, 7).every((group) => group === 0) &&
      v6[7] === 1;
  }
  return false;
}

function isAllowedHost(url: URL, allowed: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const host = url.host.toLowerCase();
  return allowed.some((entry) =>
    entry === hostname || entry === host ||
    (entry.startsWith("*.") && hostname.endsWith(entry.slice(1)) &&
      hostname.length > entry.length - 1)
  );
}

/**
 * Checks a handoff URL against the policy; the verdict's `reason` is safe to log.
 *
 * @example
 * ```ts ignore
 * const verdict = checkHandoffUrl("https://partner.example/book", {
 *   allowedHosts: ["partner.example"],
 *   allowLoopbackHttp: false,
 * });
 * console.assert(verdict.ok);
 * ```
 */
export function checkHandoffUrl(raw: string, policy: UrlPolicy): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "Handoff URL is not a valid URL" };
  }
  if (url.username || url.password) {
    return { ok: false, reason: "Handoff URL must not embed credentials" };
  }
  const hostname = url.hostname.toLowerCase();
  const loopback = isLoopback(hostname);
  const devLoopback = loopback && policy.allowLoopbackHttp;
  if (url.protocol !== "https:" && !(url.protocol === "http:" && devLoopback)) {
    return {
      ok: false,
      reason: `Handoff URL must use https: received '${url.protocol}'`,
    };
  }
  if (!devLoopback) {
    const v4 = parseIpv4(hostname);
    const v6 = hostname.startsWith("[") ? expandIpv6(hostname.slice(1, -1)) : undefined;
    if (hostname.startsWith("[") && !v6) {
      return {
        ok: false,
        reason: "Handoff URL host is not a valid IPv6 address",
      };
    }
    if (
      loopback || BLOCKED_HOSTNAMES.has(hostname) ||
      hostname.endsWith(".internal") ||
      (v4 && isNonPublicIpv4(v4)) || (v6 && isNonPublicIpv6(v6))
    ) {
      return {
        ok: false,
        reason: `Handoff URL host is a private or reserved address: '${hostname}'`,
      };
    }
  }
  if (!isAllowedHost(url, policy.allowedHosts)) {
    return {
      ok: false,
      reason: `Handoff URL host is not in HANDOFF_ALLOWED_HOSTS: '${url.host}'`,
    };
  }
  return { ok: true, url };
}
