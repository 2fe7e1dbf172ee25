import { assert, assertEquals } from "@ddcoterm/assert";
import { signBody, Webhooks } from "./webhooks.ts";

Deno.test("a webhook body is signed with HMAC-SHA256 of the exact bytes sent", () => {
  // RFC 4231 test case 2.
  assertEquals(
    signBody("Jefe", "what do ya want for nothing?"),
    "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  );
});

Deno.test("a failing receiver is retried, then reported once", async () => {
  let attempts = 0;
  const receiver = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    attempts++;
    return new Response("no", { status: 503 });
  });
  const failures: string[] = [];
  const hooks = new Webhooks(
    [{ url: `http://127.0.0.1:${receiver.addr.port}/`, secret: "s", events: ["created"] }],
    { retryDelaysMs: [10, 10], onFailure: (_url, reason) => failures.push(reason) },
  );
  hooks.send("created", { approval: { id: "x" } });
  hooks.send("approved", { approval: { id: "x" } }); // Not subscribed: not sent.
  await hooks.settle();
  await receiver.shutdown();
  assertEquals(attempts, 3);
  assertEquals(failures, ["HTTP 503"]);
  assert(true);
});
