// Run by Node (import) and Bun in a project where the packed package is the only thing
// installed: signs SIGNER_MESSAGE with SIGNER_KEY through `./signer` and prints
// `{ resolved, address, signature }` as JSON for the runner to verify.
import { privateKeySigner } from "@peaqos/peaq-os-sdk/signer";

const signer = privateKeySigner(process.env.SIGNER_KEY);
const signature = await signer.signMessage(process.env.SIGNER_MESSAGE);
console.log(JSON.stringify({
  resolved: import.meta.resolve("@peaqos/peaq-os-sdk/signer"),
  address: signer.address,
  signature,
}));
