import { assertEquals, assertStringIncludes } from "@ddcoterm/assert";
import { waitUntil } from "../lib/run.ts";
import { spawnAs, teamTest } from "../lib/team.ts";

const decoder = new TextDecoder();

teamTest(
  "a break-glass run lands in the review queue and an approver acknowledges it with a comment",
  [
    { name: "alice", role: "approver" },
    { name: "bob", role: "approver" },
  ],
  async (team) => {
    const out = await spawnAs(
      team,
      "alice",
      ["kubectl", "--context", "prod", "scale", "deploy/web"],
      { COTERM_BREAK_GLASS: "1" },
    ).output;
    assertEquals(out.code, 3, out.stderr);
    assertStringIncludes(out.stdout, "kubectl --context prod scale deploy/web");

    let items: { id: number; owner: string; command: string; sessionId: string }[] = [];
    await waitUntil(async () => {
      const list = await team.ddcoterm("bob", "approvals", "break-glass", "--json");
      items = JSON.parse(decoder.decode(list.stdout));
      return items.length === 1;
    }, { what: "the break-glass run in the queue" });
    assertEquals(items[0].owner, "alice");
    assertEquals(items[0].command, "kubectl --context prod scale deploy/web");
    const session = await (await team.api("bob", "GET", `/sessions/${items[0].sessionId}`))
      .json();
    assertEquals(session.breakGlass, true);

    const own = await team.ddcoterm(
      "alice",
      "approvals",
      "acknowledge",
      String(items[0].id),
      "--comment",
      "fine",
    );
    assertEquals(own.code, 1);
    assertStringIncludes(own.stderr, "your own break-glass run");
    const ack = await team.ddcoterm(
      "bob",
      "approvals",
      "acknowledge",
      String(items[0].id),
      "--comment",
      "outage fix, checked the recording",
    );
    assertEquals(ack.code, 0, ack.stderr);
    const open = await team.ddcoterm("bob", "approvals", "break-glass");
    assertEquals(decoder.decode(open.stdout).trim(), "No unreviewed break-glass runs.");
    const all = await team.ddcoterm("bob", "approvals", "break-glass", "--all", "--json");
    const [done] = JSON.parse(decoder.decode(all.stdout));
    assertEquals(done.acknowledgedBy, "bob");
    assertEquals(done.comment, "outage fix, checked the recording");
  },
);
