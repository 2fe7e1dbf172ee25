import { assertEquals, assertStringIncludes } from "@ddcoterm/assert";
import { ddcotermArgv, runCommand, waitUntil } from "../lib/run.ts";
import { pendingRequest, spawnAs, teamTest } from "../lib/team.ts";

const decoder = new TextDecoder();

teamTest("a request linked to an incident is reviewed by its other responders, not the approvers", [
  { name: "alice", role: "member" },
  { name: "bob", role: "approver" },
  { name: "carol", role: "member" },
], async (team) => {
  const created = await runCommand(
    ddcotermArgv(
      "server",
      "incident",
      "create",
      "db failover",
      "--responder",
      "alice",
      "--responder",
      "carol",
      "--json",
    ),
    { env: team.serverHome.env },
  );
  assertEquals(created.code, 0, created.stderr);
  const incident = JSON.parse(decoder.decode(created.stdout));
  assertEquals(incident.responders, ["alice", "carol"]);

  // The manual gate: exits 0 once approved.
  const gate = spawnAs(
    team,
    "alice",
    ddcotermArgv(
      "approve",
      "--incident",
      String(incident.id),
      "--message",
      "promote the replica",
    ),
  );
  const request = await pendingRequest(team, "carol");
  assertEquals(request.reviewers, ["carol"]);
  assertEquals(request.incident, { id: incident.id, title: "db failover", status: "active" });
  assertEquals(request.kind, "manual");
  const inbox = await team.ddcoterm("carol", "approvals");
  assertStringIncludes(decoder.decode(inbox.stdout), "promote the replica");
  const approved = await team.ddcoterm("carol", "approvals", "approve", request.id);
  assertEquals(approved.code, 0, approved.stderr);
  const out = await gate.output;
  assertEquals(out.code, 0, out.stderr);
  assertStringIncludes(out.stderr, "sent to carol (incident #");
  assertStringIncludes(out.stderr, "approved by carol");

  // Incidents the user responds to, through the API; resolving ends linking.
  const mine = await (await team.api("alice", "GET", "/incidents?status=active&responder=me"))
    .json();
  assertEquals(mine.incidents.map((i: { id: number }) => i.id), [incident.id]);
  const resolved = await runCommand(
    ddcotermArgv("server", "incident", "resolve", String(incident.id)),
    { env: team.serverHome.env },
  );
  assertEquals(resolved.code, 0, resolved.stderr);
  const late = await team.api("alice", "POST", "/approvals", {
    command: "x",
    incidentId: incident.id,
  });
  assertEquals(late.status, 409);
  await late.body?.cancel();
});

teamTest("approve -- CMD runs the command once approved and a decline exits 1 without running it", [
  { name: "alice", role: "member" },
  { name: "bob", role: "approver" },
], async (team) => {
  const marker = `${team.people.alice.home}/ran`;
  const run = spawnAs(team, "alice", ddcotermArgv("approve", "--", "touch", marker));
  const first = await pendingRequest(team, "bob");
  assertEquals(first.command, `touch ${marker}`);
  assertEquals((await team.ddcoterm("bob", "approvals", "approve", first.id)).code, 0);
  const ran = await run.output;
  assertEquals(ran.code, 0, ran.stderr);
  Deno.statSync(marker);
  await waitUntil(async () => {
    const a = await (await team.api("bob", "GET", `/approvals/${first.id}`)).json();
    return a.sessionId !== null;
  }, { what: "the recording linked to the request" });

  Deno.removeSync(marker);
  const gate = spawnAs(team, "alice", ddcotermArgv("approve", "--json", "--", "touch", marker));
  const second = await pendingRequest(team, "bob");
  const declined = await team.ddcoterm(
    "bob",
    "approvals",
    "decline",
    second.id,
    "--comment",
    "use the runbook",
  );
  assertEquals(declined.code, 0, declined.stderr);
  const out = await gate.output;
  assertEquals(out.code, 1);
  assertStringIncludes(out.stderr, "declined by bob: use the runbook");
  let exists = true;
  try {
    Deno.statSync(marker);
  } catch {
    exists = false;
  }
  assertEquals(exists, false, "the command did not run");
});
