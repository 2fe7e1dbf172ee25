/**
 * The approval request's life as one pure function: `transition(request, event)` returns the
 * next request or a refusal (HTTP status + one sentence). The caller stores the result, writes
 * the timeline and sends notifications. Times are milliseconds, passed in by the caller.
 *
 *   status     | event                                        | result
 *   -----------+----------------------------------------------+-----------------------------------
 *   requested  | any event at or after expiresAt              | expired (a decision: refused 409)
 *   requested  | approve/decline by the requester             | refused 403 (not your own request)
 *   requested  | approve/decline by someone who may not review| refused 403
 *   requested  | approve/decline by someone who already did   | refused 409
 *   requested  | approve, approvals still < required          | requested (the approval is kept)
 *   requested  | approve, approvals reach required            | approved
 *   requested  | decline                                      | declined (one decline declines)
 *   requested  | cancel by the requester or an admin          | cancelled
 *   requested  | cancel by anyone else                        | refused 403
 *   requested  | expire before expiresAt                      | requested (nothing to do)
 *   approved,  | expire                                       | unchanged (nothing to do)
 *   declined,  | anything else                                | refused 409 (already decided)
 *   expired,   |                                              |
 *   cancelled  |                                              |
 *
 * Who may review: the reviewers named on the request (incident responders, a configured group,
 * or the approvers at creation time), and any user with the approver or admin role; never the
 * requester.
 */
import type { ApprovalStatus } from "../../core/approval_wire.ts";
export type { ApprovalStatus };
export const APPROVAL_STATUSES: readonly ApprovalStatus[] = [
  "requested",
  "approved",
  "declined",
  "expired",
  "cancelled",
];

export interface Decision {
  reviewer: string;
  decision: "approved" | "declined";
  comment: string | null;
  at: number;
}

export interface ApprovalState {
  status: ApprovalStatus;
  requester: string;
  reviewers: string[];
  requiredApprovals: number;
  decisions: Decision[];
  expiresAt: number;
  decidedAt: number | null;
}

export interface Actor {
  name: string;
  role: "admin" | "approver" | "member";
}

export type ApprovalEvent =
  | { type: "approve"; by: Actor; comment: string | null; at: number }
  | { type: "decline"; by: Actor; comment: string | null; at: number }
  | { type: "cancel"; by: Actor; at: number }
  | { type: "expire"; at: number };

export type TransitionResult =
  | { ok: true; state: ApprovalState; changed: boolean }
  | { ok: false; status: 403 | 409; message: string; state?: ApprovalState };

export function isFinal(status: ApprovalStatus): boolean {
  return status !== "requested";
}

export function approvalsCount(state: ApprovalState): number {
  return state.decisions.filter((d) => d.decision === "approved").length;
}

export function mayReview(state: ApprovalState, actor: Actor): boolean {
  if (actor.name === state.requester) return false;
  return state.reviewers.includes(actor.name) || actor.role !== "member";
}

export function transition(state: ApprovalState, event: ApprovalEvent): TransitionResult {
  if (state.status === "requested" && event.at >= state.expiresAt) {
    const expired: ApprovalState = { ...state, status: "expired", decidedAt: state.expiresAt };
    if (event.type === "expire") return { ok: true, state: expired, changed: true };
    return {
      ok: false,
      status: 409,
      message: "This request has expired: the requester must ask again",
      state: expired,
    };
  }
  if (event.type === "expire") return { ok: true, state, changed: false };
  if (state.status !== "requested") {
    return { ok: false, status: 409, message: `This request is already ${state.status}` };
  }
  if (event.type === "cancel") {
    if (event.by.name !== state.requester && event.by.role !== "admin") {
      return {
        ok: false,
        status: 403,
        message: "Only the requester or an admin can cancel a request",
      };
    }
    return {
      ok: true,
      state: { ...state, status: "cancelled", decidedAt: event.at },
      changed: true,
    };
  }
  if (event.by.name === state.requester) {
    return {
      ok: false,
      status: 403,
      message: "You cannot approve or decline your own request: another reviewer must",
    };
  }
  if (!mayReview(state, event.by)) {
    return {
      ok: false,
      status: 403,
      message: `You are not a reviewer of this request (reviewers: ${
        state.reviewers.join(", ") || "users with the approver role"
      })`,
    };
  }
  if (state.decisions.some((d) => d.reviewer === event.by.name)) {
    return { ok: false, status: 409, message: "You have already reviewed this request" };
  }
  const decision: Decision = {
    reviewer: event.by.name,
    decision: event.type === "approve" ? "approved" : "declined",
    comment: event.comment,
    at: event.at,
  };
  const next: ApprovalState = { ...state, decisions: [...state.decisions, decision] };
  if (event.type === "decline") {
    return { ok: true, state: { ...next, status: "declined", decidedAt: event.at }, changed: true };
  }
  if (approvalsCount(next) >= state.requiredApprovals) {
    return { ok: true, state: { ...next, status: "approved", decidedAt: event.at }, changed: true };
  }
  return { ok: true, state: next, changed: true };
}

/**
 * Who is asked to review, in order of precedence: the other responders of the linked
 * incident; the group configured for the command; the users with the approver role (admins
 * when there are none). The requester is never among them.
 */
export function chooseReviewers(input: {
  requester: string;
  incidentResponders?: string[];
  group?: string[];
  approvers: string[];
  admins: string[];
}): { reviewers: string[]; from: "incident" | "group" | "approvers" | "admins" } {
  const others = (names: string[]) => [...new Set(names)].filter((n) => n !== input.requester);
  if (input.incidentResponders) {
    const responders = others(input.incidentResponders);
    if (responders.length > 0) return { reviewers: responders, from: "incident" };
  }
  if (input.group && input.group.length > 0) {
    return { reviewers: others(input.group), from: "group" };
  }
  const approvers = others(input.approvers);
  if (approvers.length > 0) return { reviewers: approvers, from: "approvers" };
  return { reviewers: others(input.admins), from: "admins" };
}
