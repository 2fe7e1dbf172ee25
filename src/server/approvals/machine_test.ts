import { assert, assertEquals } from "@ddcoterm/assert";
import { type ApprovalState, chooseReviewers, transition } from "./machine.ts";

const bob = { name: "bob", role: "approver" } as const;
const carol = { name: "carol", role: "member" } as const;
const alice = { name: "alice", role: "member" } as const;
const request = (extra: Partial<ApprovalState> = {}): ApprovalState => ({
  status: "requested",
  requester: "alice",
  reviewers: ["bob", "carol"],
  requiredApprovals: 1,
  decisions: [],
  expiresAt: 10_000,
  decidedAt: null,
  ...extra,
});

Deno.test("one approval by a reviewer approves a request that needs one", () => {
  const result = transition(request(), { type: "approve", by: bob, comment: "ok", at: 5 });
  assert(result.ok);
  assertEquals(result.state.status, "approved");
  assertEquals(result.state.decidedAt, 5);
  assertEquals(result.state.decisions, [
    { reviewer: "bob", decision: "approved", comment: "ok", at: 5 },
  ]);
});

Deno.test("the requester can never approve their own request, whatever their role", () => {
  const admin = { name: "alice", role: "admin" } as const;
  const result = transition(request(), { type: "approve", by: admin, comment: null, at: 5 });
  assert(!result.ok);
  assertEquals(result.status, 403);
  assert(result.message.includes("your own request"));
});

Deno.test("two required approvals stay requested after the first and need two people", () => {
  const first = transition(request({ requiredApprovals: 2 }), {
    type: "approve",
    by: bob,
    comment: null,
    at: 1,
  });
  assert(first.ok);
  assertEquals(first.state.status, "requested");
  const again = transition(first.state, { type: "approve", by: bob, comment: null, at: 2 });
  assert(!again.ok && again.status === 409);
  const second = transition(first.state, { type: "approve", by: carol, comment: null, at: 3 });
  assert(second.ok);
  assertEquals(second.state.status, "approved");
});

Deno.test("one decline declines even after an approval", () => {
  const first = transition(request({ requiredApprovals: 2 }), {
    type: "approve",
    by: bob,
    comment: null,
    at: 1,
  });
  assert(first.ok);
  const declined = transition(first.state, {
    type: "decline",
    by: carol,
    comment: "not now",
    at: 2,
  });
  assert(declined.ok);
  assertEquals(declined.state.status, "declined");
});

Deno.test("a member who is not a named reviewer may not review; an approver may", () => {
  const dave = { name: "dave", role: "member" } as const;
  const refused = transition(request(), { type: "approve", by: dave, comment: null, at: 1 });
  assert(!refused.ok && refused.status === 403);
  const erin = { name: "erin", role: "approver" } as const;
  assert(transition(request(), { type: "approve", by: erin, comment: null, at: 1 }).ok);
});

Deno.test("past its expiry a request expires and refuses decisions", () => {
  const late = transition(request(), { type: "approve", by: bob, comment: null, at: 10_000 });
  assert(!late.ok && late.status === 409);
  assertEquals(late.state?.status, "expired");
  const swept = transition(request(), { type: "expire", at: 10_001 });
  assert(swept.ok && swept.changed);
  assertEquals(swept.state.status, "expired");
  const early = transition(request(), { type: "expire", at: 9_999 });
  assert(early.ok && !early.changed);
});

Deno.test("only the requester or an admin cancels, and a decided request stays decided", () => {
  assert(!transition(request(), { type: "cancel", by: bob, at: 1 }).ok);
  const cancelled = transition(request(), { type: "cancel", by: alice, at: 1 });
  assert(cancelled.ok);
  assertEquals(cancelled.state.status, "cancelled");
  const after = transition(cancelled.state, { type: "approve", by: bob, comment: null, at: 2 });
  assert(!after.ok && after.status === 409);
});

Deno.test("reviewers are the other incident responders, else the group, else the approvers", () => {
  const base = { requester: "alice", approvers: ["bob", "alice"], admins: ["root"] };
  assertEquals(chooseReviewers({ ...base, incidentResponders: ["alice", "carol"] }), {
    reviewers: ["carol"],
    from: "incident",
  });
  assertEquals(chooseReviewers({ ...base, incidentResponders: ["alice"], group: ["dave"] }), {
    reviewers: ["dave"],
    from: "group",
  });
  assertEquals(chooseReviewers(base), { reviewers: ["bob"], from: "approvers" });
  assertEquals(chooseReviewers({ ...base, approvers: ["alice"] }), {
    reviewers: ["root"],
    from: "admins",
  });
});
