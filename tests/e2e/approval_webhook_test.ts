import { assert, assertEquals } from "@ddcoterm/assert";
import { createHmac, timingSafeEqual } from "node:crypto";
import { Buffer } from "node:buffer";
import { waitUntil } from "../lib/run.ts";
import { pendingRequest, spawnAs, startTeam } from "../lib/team.ts";

const SECRET = "webhook-test-secret";

function validSignature(body: string, header: string | null): boolean {
  const expected = "sha256=" + createHmac("sha256", SECRET).update(body).digest("hex");
  return header !== null && header.length === expected.length &&
    timingSafeEqual(Buffer.from(header), Buffer.from(expected));
}

Deno.test({
  name: "webhooks arrive signed with HMAC-SHA256 for created, approved, declined and break_glass",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const received: { event: string; body: Record<string, unknown>; valid: boolean }[] = [];
    const receiver = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (r) => {
        const body = await r.text();
        received.push({
          event: r.headers.get("x-ddcoterm-event") ?? "",
          body: JSON.parse(body),
          valid: validSignature(body, r.headers.get("x-ddcoterm-signature")),
        });
        return new Response("ok");
      },
    );
    const url = `http://127.0.0.1:${receiver.addr.port}/hook`;
    const team = await startTeam([
      { name: "alice", role: "member" },
      { name: "bob", role: "approver" },
    ], ["--webhook", url, "--webhook-secret", SECRET]);
    try {
      const first = spawnAs(team, "alice", ["kubectl", "--context", "prod", "scale", "a"]);
      const a = await pendingRequest(team, "bob");
      await team.ddcoterm("bob", "approvals", "approve", a.id);
      await first.output;
      const second = spawnAs(team, "alice", ["kubectl", "--context", "prod", "scale", "b"]);
      const b = await pendingRequest(team, "bob");
      await team.ddcoterm("bob", "approvals", "decline", b.id, "--comment", "no");
      await second.output;
      await spawnAs(team, "alice", ["kubectl", "--context", "prod", "scale", "c"], {
        COTERM_BREAK_GLASS: "1",
      }).output;
      await waitUntil(() => received.length >= 5, { what: "five webhooks" });
      assert(received.every((r) => r.valid), "every body carries a valid signature");
      assertEquals(received.map((r) => r.event), [
        "created",
        "approved",
        "created",
        "declined",
        "break_glass",
      ]);
      const approved = received[1].body as { approval: { id: string; status: string } };
      assertEquals(approved.approval.id, a.id);
      assertEquals(approved.approval.status, "approved");
      const glass = received[4].body as { breakGlass: { owner: string; command: string } };
      assertEquals(glass.breakGlass.owner, "alice");
      assertEquals(glass.breakGlass.command, "kubectl --context prod scale c");
    } finally {
      await team.cleanup();
      await receiver.shutdown();
    }
  },
});
