import { assertEquals, assertThrows } from "@ddcoterm/assert";
import { parseDuration, resolveSettings } from "./settings.ts";

const env = (vars: Record<string, string> = {}) => ({ get: (name: string) => vars[name] });

Deno.test("durations read as seconds, minutes, hours or days", () => {
  assertEquals([parseDuration("90s", "x"), parseDuration("30m", "x"), parseDuration("1h", "x")], [
    90_000,
    1_800_000,
    3_600_000,
  ]);
  assertEquals(parseDuration("45", "x"), 45_000);
  assertThrows(() => parseDuration("soon", "x"), /such as 90s, 30m or 1h/);
});

Deno.test("the server config file sets policy and webhooks, and flags override it", () => {
  const settings = resolveSettings(
    {
      approvals: { required_approvals: 2, expiry: "30m", reviewers: { kubectl: ["bob"] } },
      webhooks: [{ url: "https://hooks.example/x", secret_env: "S", events: ["approved"] }],
    },
    { approvalExpiry: "5m" },
    env({ S: "shh" }),
  );
  assertEquals(settings.policy, {
    requiredApprovals: 2,
    expiryMs: 300_000,
    reviewers: { kubectl: ["bob"] },
  });
  assertEquals(settings.webhooks, [{
    url: "https://hooks.example/x",
    secret: "shh",
    events: ["approved"],
  }]);
});

Deno.test("a webhook without a secret, or an unknown key, is refused with where it is", () => {
  assertThrows(
    () => resolveSettings(undefined, { webhook: "http://127.0.0.1:9/x" }, env()),
    /--webhook-secret/,
  );
  assertThrows(
    () => resolveSettings({ approvals: { requred_approvals: 2 } }, {}, env()),
    /unknown key "requred_approvals"/,
  );
  assertThrows(
    () => resolveSettings({ webhooks: [{ url: "ftp://x", secret: "s" }] }, {}, env()),
    /http or https/,
  );
});
