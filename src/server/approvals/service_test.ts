import { assert, assertEquals } from "@ddcoterm/assert";
import { POSTGRES_BIN, postgresUrl } from "../../../tests/lib/postgres.ts";
import { addUser, openStore, type RunningServer, startServer, type Store } from "../mod.ts";
import { DEFAULT_POLICY } from "./settings.ts";

const json = (key: string) => ({
  authorization: `Bearer ${key}`,
  "content-type": "application/json",
});

async function call(
  server: RunningServer,
  key: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: json(key),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Two server instances on one database (one for SQLite, which is single-instance). */
async function instances(url: string | undefined, required: number) {
  const dir = Deno.makeTempDirSync({ prefix: "ddcoterm-approvals-" });
  const stores: Store[] = [];
  const servers: RunningServer[] = [];
  const count = url ? 2 : 1;
  for (let i = 0; i < count; i++) {
    const store = await openStore({ dataDir: dir, databaseUrl: url });
    stores.push(store);
    servers.push(
      await startServer(store, {
        hostname: "127.0.0.1",
        port: 0,
        webDir: null,
        approvals: { policy: { ...DEFAULT_POLICY, requiredApprovals: required }, webhooks: [] },
      }),
    );
  }
  const keys: Record<string, string> = {};
  for (const [name, role] of [["alice", "member"], ["bob", "approver"], ["carol", "approver"]]) {
    keys[name] = (await addUser(stores[0], name, role as "member")).apiKey;
  }
  return {
    a: servers[0],
    b: servers.at(-1)!,
    keys,
    store: stores[0],
    close: async () => {
      for (const server of servers) await server.shutdown();
      for (const store of stores) await store.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

for (const kind of ["sqlite", "postgres"] as const) {
  Deno.test({
    name:
      `${kind}: a requester's long poll on one instance answers at once when bob approves on another`,
    ignore: kind === "postgres" && !POSTGRES_BIN,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const team = await instances(kind === "postgres" ? await postgresUrl() : undefined, 1);
      try {
        const created = await call(team.a, team.keys.alice, "POST", "/approvals", {
          command: "kubectl scale",
        });
        assertEquals(created.status, 201);
        const id = created.body.id;
        const waiting = call(team.a, team.keys.alice, "GET", `/approvals/${id}?wait=20&seen=1`);
        await new Promise((r) => setTimeout(r, 200));
        const clicked = performance.now();
        const approved = await call(team.b, team.keys.bob, "POST", `/approvals/${id}/approve`, {});
        assertEquals(approved.status, 200);
        const answer = await waiting;
        const ms = performance.now() - clicked;
        assertEquals(answer.body.status, "approved");
        assert(ms < 1000, `the waiting poll answered ${ms.toFixed(0)} ms after the approval`);
      } finally {
        await team.close();
      }
    },
  });

  Deno.test({
    name: `${kind}: two approvals arriving together on two instances are both kept`,
    ignore: kind === "postgres" && !POSTGRES_BIN,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const team = await instances(kind === "postgres" ? await postgresUrl() : undefined, 2);
      try {
        const { body } = await call(team.a, team.keys.alice, "POST", "/approvals", {
          command: "kubectl scale",
        });
        assertEquals(body.reviewers, ["bob", "carol"]);
        const [one, two] = await Promise.all([
          call(team.a, team.keys.bob, "POST", `/approvals/${body.id}/approve`, {}),
          call(team.b, team.keys.carol, "POST", `/approvals/${body.id}/approve`, {}),
        ]);
        assertEquals([one.status, two.status], [200, 200]);
        const final = await call(team.a, team.keys.bob, "GET", `/approvals/${body.id}`);
        assertEquals(final.body.status, "approved");
        assertEquals(final.body.decisions.map((d: { reviewer: string }) => d.reviewer).sort(), [
          "bob",
          "carol",
        ]);
        const list = await call(team.b, team.keys.alice, "GET", "/approvals?status=approved");
        assertEquals(list.body.approvals.length, 1, "alice sees her own request");
      } finally {
        await team.close();
      }
    },
  });
}
