/**
 * A team for approval tests: one real server, and a home per person (their own
 * DDCOTERM_HOME, API key from `ddcoterm init`, a shim for a stand-in kubectl that notes when
 * it starts, and a config.yaml whose rule asks for approval on `kubectl scale --context prod`).
 */
import { assertEquals } from "@ddcoterm/assert";
import { ddcotermArgv, runCommand, type TempHome, tempHome, waitUntil } from "./run.ts";
import { addUser, type RunningServer, runServer } from "./server.ts";

export const APPROVAL_CONFIG = `process_config:
  default_actions: ["record"]
  commands:
    - command: "kubectl"
      rules:
        - rule: |
            local ctx = flags.context or "unknown"
            return has_arg("scale") and ctx:match("prod"), "Scaling prod needs a second pair of eyes.", "Check the HPA first."
          actions: ["record", "logs", "approval"]
        - rule: true
          actions: []
`;

export interface Person extends TempHome {
  name: string;
  key: string;
  /** The stand-in kubectl writes its start time (ns since the epoch) here. */
  stamp: string;
}

export interface Team {
  server: RunningServer;
  serverHome: TempHome;
  people: Record<string, Person>;
  /** `ddcoterm ARGS` as `who`. */
  ddcoterm(who: string, ...args: string[]): ReturnType<typeof runCommand>;
  /** The API as `who`. */
  api(who: string, method: string, path: string, body?: unknown): Promise<Response>;
  cleanup(): Promise<void>;
}

export async function startTeam(
  members: { name: string; role: "admin" | "approver" | "member" }[],
  serverFlags: string[] = [],
): Promise<Team> {
  const serverHome = tempHome();
  const server = await runServer(serverHome.env, serverFlags);
  const people: Record<string, Person> = {};
  try {
    for (const { name, role } of members) {
      const key = await addUser(serverHome.env, name, role);
      const home = tempHome();
      const ddhome = home.env.DDCOTERM_HOME;
      const bin = `${home.home}/realbin`;
      Deno.mkdirSync(bin);
      const stamp = `${home.home}/kubectl.started`;
      Deno.writeTextFileSync(
        `${bin}/kubectl`,
        `#!/bin/sh\ndate +%s%N > '${stamp}'\nprintf 'kubectl %s\\n' "$*"\nexit 3\n`,
        { mode: 0o755 },
      );
      Deno.mkdirSync(ddhome, { recursive: true });
      Deno.writeTextFileSync(`${ddhome}/config.yaml`, APPROVAL_CONFIG);
      home.env.PATH = `${ddhome}/overrides:${bin}:${home.env.PATH}`;
      home.env.USER = name;
      const init = await runCommand(
        ddcotermArgv("init", "--host", server.url, "--api-key", key),
        { env: home.env },
      );
      assertEquals(init.code, 0, init.stderr);
      const shim = await runCommand(ddcotermArgv("shim", "create", "kubectl"), { env: home.env });
      assertEquals(shim.code, 0, shim.stderr);
      people[name] = { ...home, name, key, stamp };
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    server,
    serverHome,
    people,
    ddcoterm: (who, ...args) => runCommand(ddcotermArgv(...args), { env: people[who].env }),
    api: (who, method, path, body) =>
      fetch(`${server.url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${people[who].key}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    cleanup: async () => {
      await server.stop();
      for (const person of Object.values(people)) person.cleanup();
      serverHome.cleanup();
    },
  };
}

/** Starts `argv` as `who` (no terminal), with its output collected. */
export function spawnAs(
  team: Team,
  who: string,
  argv: string[],
  extraEnv: Record<string, string> = {},
) {
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    env: { ...team.people[who].env, ...extraEnv },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output().then((out) => ({
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  }));
  return { child, output };
}

export interface PendingApproval {
  id: string;
  status: string;
  reviewers: string[];
  requester: string;
  command: string;
  version: number;
  sessionId: string | null;
  decidedAt: string | null;
  [key: string]: unknown;
}

/** Waits until `who` sees exactly one pending request, and returns it. */
export async function pendingRequest(team: Team, who: string): Promise<PendingApproval> {
  let found: PendingApproval | undefined;
  await waitUntil(async () => {
    const response = await team.api(who, "GET", "/approvals?status=requested");
    const body = await response.json();
    found = body.approvals?.length === 1 ? body.approvals[0] : undefined;
    return found !== undefined;
  }, { what: "a pending approval request", timeoutMs: 20_000, intervalMs: 100 });
  return found!;
}

/**
 * A test with a fresh team (server, users, their homes), cleaned up whatever happens. The
 * server and its children outlive single operations, hence no resource sanitizers.
 */
export function teamTest(
  name: string,
  members: { name: string; role: "admin" | "approver" | "member" }[],
  fn: (team: Team) => Promise<void>,
  serverArgs: string[] = [],
): void {
  Deno.test({
    name,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const team = await startTeam(members, serverArgs);
      try {
        await fn(team);
      } finally {
        await team.cleanup();
      }
    },
  });
}
