/**
 * The SDK's version; `tests/project/version_test.ts` keeps it equal to `deno.json`'s.
 *
 * @module
 */

/**
 * The SDK's version, sent in `User-Agent: peaq-os-sdk-js/<version>`.
 *
 * @example Log the SDK version
 * ```ts
 * import { VERSION } from "@peaqos/peaq-os-sdk";
 *
 * console.log(`peaq-os-sdk-js/${VERSION}`);
 * ```
 */
export const VERSION = "0.3.0";
