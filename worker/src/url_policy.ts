/**
 * Which handoff URLs the runner may call: `https:` to a host in `HANDOFF_ALLOWED_HOSTS`, never
 * with embedded credentials, never a name reserved for local use, and never an IP literal outside
 * public unicast. Plain `http:` to loopback is allowed only with the local-dev flag
 * `HANDOFF_ALLOW_LOOPBACK_HTTP=true` (and the host must still be listed).
 *
 * Addresses are classified with `ipaddr.js`, a maintained registry of the special ranges, and
 * refused unless they are plain unicast: IPv4 outside every special block, IPv6 inside global
 * unicast `2000::/3` outside every special block (so `::ffff:0:0/96`, NAT64, 6to4 `2002::/16`,
 * Teredo `2001::/32`, site-local `fec0::/10`, discard `100::/64`, ... are all refused). The URL
 * parser has already turned decimal, octal and hex IPv4 spellings into dotted quads; names are
 * compared without their trailing dots (`localhost.` is `localhost`).
 *
 * A Worker cannot resolve DNS itself, so a listed hostname is trusted to resolve publicly;
 * keep the list to hosts you control or trust.
 *
 * @module
 */
import ipaddr from "ipaddr.js";

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

/** Names that reach the machine itself or its cloud metadata service. */
const BLOCKED_NAMES: ReadonlySet<string> = new Set([
  "localhost",
  "metadata",
  "metadata.goog",
  "instance-data",
]);

/** Suffixes of names for local or private use only (RFC 6761, 6762, 8375; cloud-internal). */
const BLOCKED_SUFFIXES = [
  ".localhost",
  ".internal",
  ".local",
  ".localdomain",
  ".home.arpa",
];

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");

/** The hostname as compared: lowercase, without trailing dots. */
function normalName(url: URL): string {
  return url.hostname.toLowerCase().replace(/\.+$/, "");
}

/** The IP literal a hostname spells, or `undefined` for a name. */
function ipLiteral(
  name: string,
): ipaddr.IPv4 | ipaddr.IPv6 | "invalid" | undefined {
  if (name.startsWith("[")) {
    const inner = name.slice(1, -1);
    return ipaddr.IPv6.isValid(inner) ? ipaddr.IPv6.parse(inner) : "invalid";
  }
  // The URL parser writes every IPv4 spelling of a special-scheme URL as a dotted quad.
  return ipaddr.IPv4.isValidFourPartDecimal(name) ? ipaddr.IPv4.parse(name) : undefined;
}

/** Whether an address is plain public unicast. */
function isPublicUnicast(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.kind() === "ipv4") return address.range() === "unicast";
  return address.match(GLOBAL_UNICAST_V6) && address.range() === "unicast";
}

function isBlockedName(name: string): boolean {
  return BLOCKED_NAMES.has(name) ||
    BLOCKED_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

function isLoopback(name: string): boolean {
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  const address = ipLiteral(name);
  return address !== undefined && address !== "invalid" &&
    address.range() === "loopback";
}

function isAllowedHost(
  name: string,
  port: string,
  allowed: readonly string[],
): boolean {
  const host = port ? `${name}:${port}` : name;
  return allowed.some((entry) =>
    entry === name || entry === host ||
    (entry.startsWith("*.") && name.endsWith(entry.slice(1)) &&
      name.length > entry.length - 1)
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
  const name = normalName(url);
  const devLoopback = policy.allowLoopbackHttp && isLoopback(name);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && devLoopback)) {
    return {
      ok: false,
      reason: `Handoff URL must use https: received '${url.protocol}'`,
    };
  }
  if (!devLoopback) {
    const address = ipLiteral(name);
    if (address === "invalid") {
      return {
        ok: false,
        reason: "Handoff URL host is not a valid IPv6 address",
      };
    }
    if (address ? !isPublicUnicast(address) : isBlockedName(name)) {
      return {
        ok: false,
        reason: `Handoff URL host is a private or reserved address: '${url.hostname}'`,
      };
    }
  }
  if (!isAllowedHost(name, url.port, policy.allowedHosts)) {
    return {
      ok: false,
      reason: `Handoff URL host is not in HANDOFF_ALLOWED_HOSTS: '${url.host}'`,
    };
  }
  return { ok: true, url };
}
