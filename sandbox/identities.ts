/**
 * Who controls a machine identity: the sandbox's stand-in for peaqOS MCR resolution. A
 * `did:peaq:0x<address>` is controlled by that address unless the `identities` option (or a
 * later {@linkcode IdentityRegistry.set}) says otherwise; a `peaqos:machine:<id>` resolves only
 * when listed. Tests change the registry at run time (`sandbox.context.identities`) to rotate a
 * controller or make an identity stop resolving, as a deactivated DID would.
 *
 * @module
 */
import { toChecksumAddress } from "./crypto.ts";

const DID_PEAQ = /^did:peaq:(0x[0-9a-fA-F]{40})$/;

/**
 * The comparison form of an identity reference: a did:peaq address is case-insensitive.
 *
 * @example
 * ```ts ignore
 * canonicalIdentityRef("did:peaq:0xAB…") === canonicalIdentityRef("did:peaq:0xab…"); // true
 * ```
 */
export function canonicalIdentityRef(identityRef: string): string {
  const did = DID_PEAQ.exec(identityRef);
  return did ? `did:peaq:${did[1]!.toLowerCase()}` : identityRef;
}

/** The live identity resolution of one sandbox. */
export type IdentityRegistry = {
  /** The checksummed controller addresses, or `undefined` when the identity does not resolve. */
  resolve(identityRef: string): string[] | undefined;
  /** Sets the controllers of `identityRef` (e.g. a rotated DID controller). */
  set(identityRef: string, controllers: readonly string[]): void;
  /** Makes `identityRef` stop resolving, as a deactivated DID would. */
  remove(identityRef: string): void;
  /** Forgets every change since creation: back to the `identities` option. */
  reset(): void;
};

/**
 * Creates a registry seeded from the `identities` option.
 *
 * @example
 * ```ts ignore
 * const identities = createIdentityRegistry(options.identities);
 * identities.remove(`did:peaq:${wallet.address}`); // getMachine() now answers MACHINE_NOT_ACTIVATED
 * ```
 */
export function createIdentityRegistry(
  seed: Readonly<Record<string, readonly string[]>>,
): IdentityRegistry {
  // canonical ref → controllers; `null` marks a removed identity (a did:peaq no longer resolves).
  const entries = new Map<string, readonly string[] | null>();
  const load = (): void => {
    entries.clear();
    for (const [ref, controllers] of Object.entries(seed)) {
      entries.set(canonicalIdentityRef(ref), controllers);
    }
  };
  load();
  return {
    resolve(identityRef) {
      const canonical = canonicalIdentityRef(identityRef);
      const listed = entries.get(canonical);
      if (listed === null) return undefined;
      if (listed !== undefined) return listed.map(toChecksumAddress);
      const did = DID_PEAQ.exec(identityRef);
      return did ? [toChecksumAddress(did[1]!)] : undefined;
    },
    set(identityRef, controllers) {
      entries.set(canonicalIdentityRef(identityRef), [...controllers]);
    },
    remove(identityRef) {
      entries.set(canonicalIdentityRef(identityRef), null);
    },
    reset: load,
  };
}
