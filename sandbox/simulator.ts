/**
 * The built-in simulated provider (`peaq-sim`): deterministic outputs for the catalogue's
 * simulated operations, so demos and tests can assert on them. `input.simulateFailure: true`
 * makes any operation fail, to exercise the `failed` order path.
 *
 * @module
 */

/** What a simulated run produced. */
export type SimulatedResult = {
  readonly status: "succeeded" | "failed";
  readonly output: Record<string, unknown>;
  readonly summary: string;
};

function text(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  return typeof value === "string" ? value : "";
}

// A stable small hash so "random-looking" numbers are the same for the same input.
function hash(value: string): number {
  let h = 2166136261;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Runs `operation` with `input` on the simulated provider.
 *
 * @example
 * ```ts ignore
 * simulate("complete", { prompt: "Hello" }).output.text; // "[sim] Hello …"
 * ```
 */
export function simulate(operation: string, input: Record<string, unknown>): SimulatedResult {
  if (input.simulateFailure === true) {
    return {
      status: "failed",
      output: { error: "Simulated provider failure" },
      summary: `Simulated '${operation}' failed on request`,
    };
  }
  switch (operation) {
    case "complete": {
      const prompt = text(input, "prompt");
      const words = prompt.split(/\s+/).filter(Boolean).length;
      return {
        status: "succeeded",
        output: { text: `[sim] ${prompt} … and that is the simulated answer.`, tokens: words + 7 },
        summary: `Completed a ${words}-word prompt`,
      };
    }
    case "embed": {
      const seed = hash(text(input, "text"));
      const vector = Array.from({ length: 8 }, (_, i) => ((seed >>> i) % 1000) / 1000);
      return { status: "succeeded", output: { vector }, summary: "Embedded 1 text" };
    }
    case "echo":
      return { status: "succeeded", output: { ...input }, summary: "Echoed the input" };
    case "translate": {
      const target = text(input, "targetLanguage");
      return {
        status: "succeeded",
        output: { text: `[${target}] ${text(input, "text")}`, targetLanguage: target },
        summary: `Translated into '${target}'`,
      };
    }
    case "map-route": {
      const distanceKm = (hash(`${text(input, "from")}>${text(input, "to")}`) % 90000) / 100 + 1;
      return {
        status: "succeeded",
        output: { distanceKm, waypoints: [text(input, "from"), text(input, "to")] },
        summary: `Planned a ${distanceKm} km route`,
      };
    }
    case "geocode": {
      const seed = hash(text(input, "address"));
      const lat = ((seed % 18000) - 9000) / 100;
      const lon = ((Math.floor(seed / 18000) % 36000) - 18000) / 100;
      return { status: "succeeded", output: { lat, lon }, summary: "Geocoded 1 address" };
    }
    case "forecast": {
      const count = typeof input.hours === "number" ? input.hours : 3;
      const seed = hash(text(input, "location"));
      const hours = Array.from({ length: count }, (_, i) => ({
        hour: i,
        temperatureC: ((seed >>> (i % 24)) % 35) - 5,
      }));
      return { status: "succeeded", output: { hours }, summary: `Forecast ${count} hours` };
    }
    case "store": {
      const storedBytes = typeof input.sizeBytes === "number" ? input.sizeBytes : 0;
      return {
        status: "succeeded",
        output: { key: text(input, "key"), storedBytes },
        summary: `Stored ${storedBytes} bytes`,
      };
    }
    case "detect-objects": {
      const labels = ["person", "forklift", "pallet", "door"];
      const seed = hash(text(input, "imageUrl"));
      const objects = labels.filter((_, i) => ((seed >>> i) & 1) === 1).map((label) => ({
        label,
        confidence: 0.9,
      }));
      return {
        status: "succeeded",
        output: { objects },
        summary: `Found ${objects.length} objects`,
      };
    }
    case "get-price": {
      const pair = text(input, "pair");
      const price = (hash(pair) % 500000) / 100 + 1;
      return {
        status: "succeeded",
        output: { pair, price, publishedAt: "2026-01-01T00:00:00.000Z" },
        summary: `Priced '${pair}' at ${price}`,
      };
    }
    case "reverse-geocode": {
      const lat = typeof input.lat === "number" ? input.lat : 0;
      const lon = typeof input.lon === "number" ? input.lon : 0;
      const street = (hash(`${lat},${lon}`) % 200) + 1;
      return {
        status: "succeeded",
        output: { address: `${street} Sim Street`, placeType: "street", countryCode: "DE" },
        summary: "Found 1 address",
      };
    }
    case "run-job": {
      const jobId = `job_${hash(text(input, "image")).toString(16)}`;
      return {
        status: "succeeded",
        output: { jobId, status: "completed", resultUrl: `https://results.sim.example/${jobId}` },
        summary: `Ran job '${jobId}'`,
      };
    }
    case "put-object": {
      const storedBytes = typeof input.sizeBytes === "number" ? input.sizeBytes : 0;
      const key = text(input, "key");
      return {
        status: "succeeded",
        output: {
          bucket: text(input, "bucket"),
          key,
          etag: hash(key).toString(16),
          storedBytes,
        },
        summary: `Stored ${storedBytes} bytes`,
      };
    }
    case "send-command": {
      const command = text(input, "command");
      return {
        status: "succeeded",
        output: { deviceId: text(input, "deviceId"), command, accepted: true },
        summary: `Device accepted '${command}'`,
      };
    }
    case "purchase": {
      const quantity = typeof input.quantity === "number" ? input.quantity : 1;
      const purchaseId = `pur_${hash(text(input, "sku")).toString(16)}`;
      return {
        status: "succeeded",
        output: { purchaseId, etaHours: 24 + (hash(text(input, "deliverTo")) % 48) },
        summary: `Ordered ${quantity} × '${text(input, "sku")}'`,
      };
    }
    default:
      return {
        status: "succeeded",
        output: { operation, input },
        summary: `Simulated '${operation}'`,
      };
  }
}
