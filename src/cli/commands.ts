/** Subcommands, loaded lazily so `ddcoterm -- cmd` imports only what recording needs. */
export interface Subcommand {
  summary: string;
  load: () => Promise<{ run(args: string[]): Promise<number> }>;
}

export const SUBCOMMANDS: Record<string, Subcommand> = {
  sessions: {
    summary: "List recorded sessions, newest first",
    load: () => import("./sessions.ts"),
  },
  events: {
    summary: "List a session's process and audit events",
    load: () => import("./events.ts"),
  },
  play: { summary: "Replay a session in the terminal", load: () => import("./play.ts") },
  redact: {
    summary: "Redact secrets in terminal output (filter, JSON lines, explain)",
    load: () => import("./redact.ts"),
  },
  shim: {
    summary: "Guard a command on every run: shim create|list|remove|doctor",
    load: () => import("./shim.ts"),
  },
  rules: {
    summary: "Show what the guardrails would do with a command",
    load: () => import("./rules.ts"),
  },
  config: { summary: "Check config.yaml", load: () => import("./config.ts") },
  export: {
    summary: "Convert a session to asciicast v3, v2 or plain text",
    load: () => import("./export.ts"),
  },
  server: {
    summary: "Run the self-hosted server; manage its users",
    load: () => import("./server.ts"),
  },
  init: { summary: "Connect this machine to a ddcoterm server", load: () => import("./init.ts") },
  upload: { summary: "Upload recorded sessions to the server", load: () => import("./upload.ts") },
  approve: {
    summary: "Ask for approval and wait (a manual gate), or run a command once approved",
    load: () => import("./approve.ts"),
  },
  approvals: {
    summary: "Review approval requests and break-glass runs from the terminal",
    load: () => import("./approvals.ts"),
  },
  verify: {
    summary: "Check a session's hash chain locally and on the server",
    load: () => import("./verify.ts"),
  },
};
