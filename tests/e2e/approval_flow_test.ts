import { assert, assertEquals, assertStringIncludes } from "@ddcoterm/assert";
import { waitUntil } from "../lib/run.ts";
import { pendingRequest, spawnAs, teamTest } from "../lib/team.ts";

const decoder = new TextDecoder();
const SCALE = ["kubectl", "--context", "prod", "scale", "deploy/web", "--replicas=5"];

teamTest(
  "alice's prod scale waits for bob, who approves from his terminal, then runs recorded and linked",
  [
    { name: "alice", role: "member" },
    { name: "bob", role: "approver" },
  ],
  async (team) => {
    const alice = spawnAs(team, "alice", SCALE);
    const request = await pendingRequest(team, "bob");
    assertEquals(request.requester, "alice");
    assertEquals(request.reviewers, ["bob"]);
    assertEquals(request.command, SCALE.join(" "));
    assertEquals(request.approverMessage, "Check the HPA first.");

    const inbox = await team.ddcoterm("bob", "approvals", "--json");
    assertEquals(inbox.code, 0, inbox.stderr);
    assertEquals(JSON.parse(decoder.decode(inbox.stdout)).map((a: { id: string }) => a.id), [
      request.id,
    ]);
    let started: number | undefined;
    try {
      Deno.statSync(team.people.alice.stamp);
      started = 1;
    } catch {
      // Not started: right.
    }
    assertEquals(started, undefined, "the command waits for the approval");

    const approved = await team.ddcoterm(
      "bob",
      "approvals",
      "approve",
      request.id.slice(0, 13),
      "--comment",
      "HPA checked",
    );
    assertEquals(approved.code, 0, approved.stderr);
    const out = await alice.output;
    assertEquals(out.code, 3, out.stderr);
    assertStringIncludes(out.stdout, "kubectl --context prod scale deploy/web --replicas=5");
    assertStringIncludes(out.stderr, "Scaling prod needs a second pair of eyes.");
    assertStringIncludes(out.stderr, "waiting for approval from bob");
    assertStringIncludes(out.stderr, "approved by bob: HPA checked");

    // Approve (server commit) → the command's first instruction.
    const decided = await (await team.api("bob", "GET", `/approvals/${request.id}`)).json();
    const startNs = BigInt(Deno.readTextFileSync(team.people.alice.stamp).trim());
    const latencyMs = Number(startNs / 1_000_000n) - Date.parse(decided.decidedAt);
    console.log(`approve → command start: ${latencyMs} ms`);
    assert(latencyMs >= 0 && latencyMs <= 1000, `approve → start took ${latencyMs} ms`);

    // The recording reaches the server and is tied to the request.
    let linked: { sessionId: string | null; timeline: { kind: string }[] } = decided;
    await waitUntil(async () => {
      linked = await (await team.api("bob", "GET", `/approvals/${request.id}`)).json();
      return linked.sessionId !== null;
    }, { what: "the session linked to the request" });
    const session = await (await team.api("bob", "GET", `/sessions/${linked.sessionId}`)).json();
    assertEquals(session.meta.approvalId, request.id);
    assertEquals(session.owner, "alice");
    assertEquals(
      linked.timeline.map((t) => t.kind),
      ["requested", "reviewers_asked", "approved", "session_started"],
    );
    const cast = await (await team.api("bob", "GET", `/sessions/${linked.sessionId}/cast`))
      .text();
    assertStringIncludes(cast, "kubectl --context prod scale deploy/web");
  },
);

teamTest(
  "a decline stops the command with the reviewer's comment, and nobody approves their own request",
  [
    { name: "alice", role: "approver" },
    { name: "bob", role: "approver" },
  ],
  async (team) => {
    const alice = spawnAs(team, "alice", SCALE);
    const request = await pendingRequest(team, "bob");
    const own = await team.ddcoterm("alice", "approvals", "approve", request.id);
    assertEquals(own.code, 1);
    assertStringIncludes(own.stderr, "cannot approve or decline your own request");
    const api = await team.api("alice", "POST", `/approvals/${request.id}/approve`, {});
    assertEquals(api.status, 403);
    await api.body?.cancel();

    const noComment = await team.ddcoterm("bob", "approvals", "decline", request.id);
    assertEquals(noComment.code, 2);
    const declined = await team.ddcoterm(
      "bob",
      "approvals",
      "decline",
      request.id,
      "--comment",
      "not during the freeze",
    );
    assertEquals(declined.code, 0, declined.stderr);
    const out = await alice.output;
    assertEquals(out.code, 1, out.stderr);
    assertStringIncludes(out.stderr, "declined by bob: not during the freeze");
    assertEquals(out.stdout, "", "the command did not run");
    const show = await team.ddcoterm("bob", "approvals", "show", request.id);
    assertStringIncludes(decoder.decode(show.stdout), "Status    declined");
  },
);

teamTest("an unanswered request expires on the server and the command does not run", [
  { name: "alice", role: "member" },
  { name: "bob", role: "approver" },
], async (team) => {
  const started = Date.now();
  const out = await spawnAs(team, "alice", SCALE).output;
  assertEquals(out.code, 1, out.stderr);
  assertStringIncludes(out.stderr, "expired without an approval");
  assertEquals(out.stdout, "");
  assert(Date.now() - started < 10_000);
  const list = await team.ddcoterm("bob", "approvals", "list", "--all", "--json");
  const [request] = JSON.parse(decoder.decode(list.stdout));
  assertEquals(request.status, "expired");
  const late = await team.ddcoterm("bob", "approvals", "approve", request.id);
  assertEquals(late.code, 1);
  assertStringIncludes(late.stderr, "already expired");
}, ["--approval-expiry", "2s"]);

teamTest("^C while waiting cancels the request", [
  { name: "alice", role: "member" },
  { name: "bob", role: "approver" },
], async (team) => {
  const alice = spawnAs(team, "alice", SCALE);
  const request = await pendingRequest(team, "bob");
  alice.child.kill("SIGINT");
  const out = await alice.output;
  assertEquals(out.code, 130, out.stderr);
  assertStringIncludes(out.stderr, "approval request cancelled");
  const after = await (await team.api("bob", "GET", `/approvals/${request.id}`)).json();
  assertEquals(after.status, "cancelled");
});

teamTest(
  "with no server configured, or an unreachable one, approval fails closed naming COTERM_BREAK_GLASS",
  [{ name: "alice", role: "member" }, {
    name: "bob",
    role: "approver",
  }],
  async (team) => {
    await team.server.stop();
    const out = await spawnAs(team, "alice", SCALE).output;
    assertEquals(out.code, 1);
    assertStringIncludes(out.stderr, "cannot be reached");
    assertStringIncludes(out.stderr, "COTERM_BREAK_GLASS");
    assertEquals(out.stdout, "");
  },
);
