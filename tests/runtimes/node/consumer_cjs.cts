// A strict TypeScript consumer of the packed package through `require` (CommonJS types).
import sdk = require("@peaqos/peaq-os-sdk");

const client: sdk.PeaqosClient = new sdk.PeaqosClient({ orchestrationUrl: "http://127.0.0.1:1" });
export const orchestration: sdk.OrchestrationClient = client.orchestration;
export const version: string = sdk.VERSION;
// @ts-expect-error the client has no such method
client.orchestration.listMachinez();
