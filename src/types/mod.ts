/**
 * Every wire shape of the Machine Markets API.
 *
 * @module
 */
export type * from "./common.ts";
export type * from "./machines.ts";
export type * from "./pairings.ts";
export type * from "./agents.ts";
export type * from "./skills.ts";
export type * from "./market.ts";
export type * from "./payments.ts";
export type * from "./experimental.ts";
export type * from "./webhooks.ts";
export type * from "./x402.ts";
