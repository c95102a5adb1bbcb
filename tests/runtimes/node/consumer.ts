// A strict TypeScript consumer of the packed package (ESM): `tsc --noEmit` must accept it
// against the shipped .d.ts, and the @ts-expect-error lines prove the types are not `any`.
import {
  ERROR_CODE_NOT_FOUND,
  OrchestrationApiError,
  PeaqosClient,
  type PeaqosClientOptions,
  REDACTED,
} from "@peaqos/peaq-os-sdk";
import { privateKeySigner } from "@peaqos/peaq-os-sdk/signer";
import type { Machine } from "@peaqos/peaq-os-sdk";

const options: PeaqosClientOptions = { orchestrationUrl: "http://127.0.0.1:1", apiKey: "sk" };
const client = new PeaqosClient(options);

export async function firstMachine(): Promise<Machine | undefined> {
  const page = await client.orchestration.listMachines({ limit: 10 });
  const first: Machine | undefined = page.items[0];
  // @ts-expect-error limit is a number
  await client.orchestration.listMachines({ limit: "10" });
  return first;
}

export function describe(error: unknown): string {
  if (error instanceof OrchestrationApiError) {
    const code: string = error.code;
    const status: number = error.statusCode;
    return code === ERROR_CODE_NOT_FOUND ? `${status} ${REDACTED}` : code;
  }
  return "other";
}

export async function sign(): Promise<string> {
  const signer = privateKeySigner(
    "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
  );
  const address: string = signer.address;
  // @ts-expect-error signMessage takes a string
  await signer.signMessage(42);
  return `${address}:${await signer.signMessage("hello")}`;
}
