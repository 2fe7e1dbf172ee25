/**
 * Approvals from the client: the API calls (`ApprovalApi`) and the wait for a decision
 * (`waitForDecision`, long polls). The CLI (src/cli/approval_flow.ts) does the talking.
 */
export {
  ApiError,
  type Approval,
  ApprovalApi,
  type ApprovalStatus,
  type BreakGlassItem,
  type Incident,
  type NewApprovalRequest,
  Unreachable,
} from "./api.ts";
export { elapsed, statusLine, waitForDecision, type WaitOptions } from "./wait.ts";
