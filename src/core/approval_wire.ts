/**
 * Approvals, incidents and break-glass reviews as the API sends them: the server builds these
 * and the client reads them, so both take their shapes from here.
 */
export type ApprovalStatus = "requested" | "approved" | "declined" | "expired" | "cancelled";

export interface RuleRef {
  source: string;
  index: number | null;
  line: number | null;
}

export interface ActivityRecord {
  at: string;
  actor: string;
  kind: string;
  detail: Record<string, unknown>;
}

export interface ApprovalRecord {
  id: string;
  kind: "command" | "manual";
  status: ApprovalStatus;
  requester: string;
  user: string;
  host: string;
  cwd: string;
  command: string;
  executable: string | null;
  rule: RuleRef | null;
  userMessage: string | null;
  approverMessage: string | null;
  incident: { id: number; title: string; status: string } | null;
  reviewers: string[];
  reviewersFrom: string;
  requiredApprovals: number;
  approvals: number;
  decisions: { reviewer: string; decision: string; comment: string | null; at: string }[];
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  sessionId: string | null;
  version: number;
  timeline?: ActivityRecord[];
}

export interface IncidentRecord {
  id: number;
  title: string;
  status: "active" | "resolved";
  responders: string[];
  createdBy: string;
  createdAt: string;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

export interface BreakGlassRecord {
  id: number;
  sessionId: string;
  /** The server account that uploaded the run. */
  owner: string;
  /** The local user on the machine. */
  user: string;
  host: string;
  command: string;
  reason: string | null;
  rule: number | null;
  at: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  comment: string | null;
}
