/**
 * Every catalogue service is orderable from what it describes: for each service and each of its
 * operation contracts, a search quotes it and `createMarketOrder` with the contract's
 * `exampleInput` succeeds, end to end through the SDK over 127.0.0.1; a bad input names the
 * first bad field (`checkServiceInput`).
 */
import { assert, assertEquals, assertExists, assertThrows } from "@std/assert";
import { SERVICES } from "../../sandbox/catalogue.ts";
import { checkServiceInput, findService } from "../../sandbox/catalogue.ts";
import { ApiError } from "../../sandbox/errors.ts";
import { ids, type Market, market } from "../_market.ts";
import { assertApiError } from "../_sandbox_platform.ts";

/** A market whose pairing has no spend limit, with runtime endpoints for the endpoint services. */
async function openMarket(): Promise<Market> {
  const m = await market({}, { perTransactionLimit: null, dailySpendLimit: null });
  for (const providerKey of ["ollama", "vllm"]) {
    await m.api.upsertRuntimeEndpoint(m.machine.id, providerKey, {
      endpointBaseUrl: "http://127.0.0.1:9",
    });
  }
  return m;
}

Deno.test("createMarketOrder() accepts every catalogue service's exampleInput for each operation", async () => {
  await using m = await openMarket();
  let ordered = 0;
  for (const service of SERVICES) {
    for (const contract of service.operationContracts) {
      const label = `${service.id}/${contract.operation}`;
      const { item: search } = await m.api.searchMarket({
        ...ids(m),
        serviceType: service.serviceType,
        operation: contract.operation,
        maxResults: 50,
      }, m.token);
      const quote = search.quotes.find((candidate) => candidate.serviceId === service.id);
      assertExists(quote, `${label} is quoted`);
      assertEquals(quote.operation, contract.operation, label);
      assertEquals(quote.payment, service.payment, label);
      const { item: order } = await m.api.createMarketOrder({
        ...ids(m),
        serviceId: service.id,
        searchId: search.id,
        quoteId: quote.id,
        operation: contract.operation,
        input: contract.exampleInput,
      }, m.token);
      assertEquals([order.serviceId, order.operation], [service.id, contract.operation], label);
      assertEquals(order.input, contract.exampleInput, label);
      assertEquals(order.serviceSnapshot.operationContracts, service.operationContracts, label);
      ordered++;
    }
  }
  assertEquals(
    ordered,
    SERVICES.reduce((sum, service) => sum + service.operationContracts.length, 0),
  );
  assert(ordered >= 24);
});

Deno.test("createMarketOrder() names the first bad input field of any catalogue operation", async () => {
  await using m = await openMarket();
  for (const service of SERVICES) {
    if (service.pricing.mode === "quote-required") continue; // needs a quote; checked below
    for (const contract of service.operationContracts) {
      const label = `${service.id}/${contract.operation}`;
      const first = contract.inputFields.find((field) => field.required !== false);
      const order = (input: Record<string, unknown>) =>
        m.api.createMarketOrder(
          { ...ids(m), serviceId: service.id, operation: contract.operation, input },
          m.token,
        );
      if (first) {
        const { [first.key]: _dropped, ...missing } = contract.exampleInput;
        const error = await assertApiError(order(missing), "VALIDATION_ERROR", 400);
        const details = error.details as { path: string; message: string }[];
        assertEquals(details[0], { path: `input.${first.key}`, message: "is required" }, label);
      }
      const field = contract.inputFields[0]!;
      const wrong = field.type === "string" ? 42 : "not-a-" + field.type;
      const typed = await assertApiError(
        order({ ...contract.exampleInput, [field.key]: wrong }),
        "VALIDATION_ERROR",
        400,
      );
      assertEquals(
        (typed.details as { path: string }[])[0]?.path,
        `input.${field.key}`,
        label,
      );
      const unknown = await assertApiError(
        order({ ...contract.exampleInput, surprise: true }),
        "VALIDATION_ERROR",
        400,
      );
      assertEquals(unknown.details, [{
        path: "input.surprise",
        message: `is not an input of operation '${contract.operation}'`,
      }], label);
    }
  }
});

Deno.test("checkServiceInput() reads required-ness, types and the simulator's switch from the contract", () => {
  const complete = findService("svc_sim_complete")!;
  const issuesOf = (operation: string, input: Record<string, unknown>) => {
    try {
      checkServiceInput(complete, operation, input);
      return [];
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      assertEquals(err.code, "VALIDATION_ERROR");
      return err.details as { path: string; message: string }[];
    }
  };
  assertEquals(issuesOf("complete", { prompt: "Hi" }), [], "maxTokens is optional");
  assertEquals(issuesOf("complete", { prompt: "Hi", simulateFailure: true }), []);
  assertEquals(issuesOf("complete", { maxTokens: "many" }), [
    { path: "input.prompt", message: "is required" },
    { path: "input.maxTokens", message: "must be an integer" },
  ]);
  assertEquals(issuesOf("complete", { prompt: "", maxTokens: 1.5 }), [
    { path: "input.prompt", message: "must not be empty" },
    { path: "input.maxTokens", message: "must be an integer" },
  ]);
  assertEquals(issuesOf("complete", { prompt: null }), [
    { path: "input.prompt", message: "must be a string" },
  ]);
  assertEquals(issuesOf("fly", {}), [{ path: "operation", message: "must be one of 'complete'" }]);

  const geo = findService("svc_x402_reverse_geocode")!;
  assertThrows(() => checkServiceInput(geo, "reverse-geocode", { lat: "52.5", lon: 13.4 }));
  assertThrows(() => checkServiceInput(geo, "reverse-geocode", { lat: Infinity, lon: 13.4 }));
  checkServiceInput(geo, "reverse-geocode", { lat: 52.5, lon: 13.4, language: "de" });
  const device = findService("svc_device_commands")!;
  assertThrows(() =>
    checkServiceInput(device, "send-command", { deviceId: "g", command: "open", args: [] })
  );
  checkServiceInput(device, "send-command", { deviceId: "g", command: "open", args: { s: 1 } });
  const chat = findService("svc_ollama_chat")!;
  assertThrows(() => checkServiceInput(chat, "chat", { messages: {} }));
  checkServiceInput(chat, "chat", {});
});

Deno.test("executeMarketOrder() runs a free simulated service's exampleInput and a checked extra input", async () => {
  await using m = await openMarket();
  const service = findService("svc_sim_echo")!;
  const contract = service.operationContracts[0]!;
  const { item: order } = await m.api.createMarketOrder(
    { ...ids(m), serviceId: service.id, input: contract.exampleInput },
    m.token,
  );
  await assertApiError(
    m.api.executeMarketOrder(order.id, { input: { message: 7 } }, m.token),
    "VALIDATION_ERROR",
    400,
  );
  const result = await m.api.executeMarketOrder(order.id, {}, m.token);
  assertEquals(result.execution.statusCode, 200);
  if (result.execution.statusCode === 200) {
    assertEquals(result.execution.outcome.output, contract.exampleInput);
  }
});
