import { assertEquals } from "@ddcoterm/assert";
import {
  baseUrl,
  readCredentials,
  resolveConnection,
  sessionUrl,
  writeCredentials,
} from "./connection.ts";

const noEnv = { get: () => undefined };

Deno.test("the server URL joins host and port unless the host names a port", () => {
  assertEquals(baseUrl("http://127.0.0.1", 8420), "http://127.0.0.1:8420");
  assertEquals(baseUrl("http://127.0.0.1:9000", 8420), "http://127.0.0.1:9000");
  assertEquals(baseUrl("https://ddcoterm.example.com/", 443), "https://ddcoterm.example.com");
});

Deno.test("the credentials file is private and the environment overrides it", () => {
  const home = Deno.makeTempDirSync();
  try {
    const path = writeCredentials(home, "ddc_secret");
    assertEquals(Deno.statSync(path).mode! & 0o777, 0o600);
    assertEquals(readCredentials(home), "ddc_secret");
    const config = { host: "http://127.0.0.1", port: 8420 };
    assertEquals(resolveConnection(config, home, noEnv)?.apiKey, "ddc_secret");
    const env = { get: (name: string) => name === "DDCOTERM_API_KEY" ? "ddc_env" : undefined };
    assertEquals(resolveConnection(config, home, env)?.apiKey, "ddc_env");
    assertEquals(
      resolveConnection({ host: "https://app.datadoghq.com", port: 443 }, home, noEnv),
      null,
    );
    assertEquals(sessionUrl({ url: "http://h:1" }, "x"), "http://h:1/sessions/x");
  } finally {
    Deno.removeSync(home, { recursive: true });
  }
});
