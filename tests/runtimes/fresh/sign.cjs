// Run by Node with --no-experimental-require-module (as Node 20.0-20.18 behave) in a project
// where the packed package is the only thing installed: `require` of `./signer` must not need
// require(esm). Prints `{ resolved, address, signature }` as JSON for the runner to verify.
const { privateKeySigner } = require("@peaqos/peaq-os-sdk/signer");

const signer = privateKeySigner(process.env.SIGNER_KEY);
signer.signMessage(process.env.SIGNER_MESSAGE).then((signature) => {
  console.log(JSON.stringify({
    resolved: require.resolve("@peaqos/peaq-os-sdk/signer"),
    address: signer.address,
    signature,
  }));
});
