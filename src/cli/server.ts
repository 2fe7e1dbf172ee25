import { UserError } from "../core/errors.ts";
import { ddcotermHome } from "../core/home.ts";
import {
  addApiKey,
  addUser,
  checkName,
  DEFAULT_LIMITS,
  openStore,
  redactUrl,
  resolveSettings,
  ROLES,
  SettingsError,
  startServer,
  type Store,
} from "../server/mod.ts";
import { type OptionSpec, parseArgs } from "./args.ts";
import { printOut, say } from "./output.ts";

const HELP = `Usage: ddcoterm server [--listen HOST:PORT] [--data DIR] [--database URL]
                       [--config FILE] [--required-approvals N] [--approval-expiry DURATION]
                       [--webhook URL --webhook-secret SECRET]
       ddcoterm server user add NAME --role admin|approver|member [--json]
       ddcoterm server user key NAME [--json]
       ddcoterm server user list [--json]
       ddcoterm server incident create TITLE --responder NAME... [--json]
       ddcoterm server incident list [--all] [--json]
       ddcoterm server incident resolve ID [--json]

Runs the self-hosted server: it takes session uploads from ddcoterm clients and serves
replays, events, full-text log search, live views, approvals and the web UI. Data lives in
SQLite under DIR (default $DDCOTERM_HOME/server), or in PostgreSQL with --database (several
servers can share one PostgreSQL database).

"user add" creates a user and prints its API key once (only its hash is stored); give it to
"ddcoterm init --api-key". "user key" makes another key for a user. "incident create" declares
an incident: its responders become the reviewers of approval requests linked to it. These
commands take the same --data/--database as the server.

Approval policy and webhooks come from --config FILE (YAML; see src/server/README.md):
  approvals: {required_approvals: 1, expiry: 1h, reviewers: {kubectl: [bob, carol]}}
  webhooks: [{url: https://…, secret_env: DDCOTERM_WEBHOOK_SECRET, events: [created, …]}]
and the flags below override it. Nobody approves their own request; one decline declines.

Options:
      --listen HOST:PORT      Address to listen on (default 127.0.0.1:8420)
      --data DIR              SQLite data folder (default $DDCOTERM_HOME/server)
      --database URL          postgres://user:password@host:port/db instead of SQLite
      --max-chunk-bytes N     Largest upload chunk accepted (default ${DEFAULT_LIMITS.maxChunkBytes})
      --max-upload-rate N     Bytes per second per user, 0 for no limit (default ${DEFAULT_LIMITS.maxUploadBytesPerSecond})
      --config FILE           Approval policy and webhooks (YAML)
      --required-approvals N  Approvals a request needs (default 1)
      --approval-expiry D     A pending request expires after D: 90s, 30m, 1h (default 1h)
      --webhook URL           POST approval and break-glass events to URL (signed)
      --webhook-secret S      HMAC-SHA256 key for --webhook (or DDCOTERM_WEBHOOK_SECRET)
      --role ROLE             user add: admin, approver or member
      --responder NAME        incident create: a responder (repeat for several)
      --all                   incident list: resolved ones too
      --json                  user and incident commands: JSON output, for scripts
  -h, --help                  Show this help

Examples:
  ddcoterm server
  ddcoterm server --listen 0.0.0.0:8420 --database postgres://ddcoterm@db/ddcoterm
  ddcoterm server --required-approvals 2 --approval-expiry 30m
  ddcoterm server --webhook https://chat.example.com/hook --webhook-secret "$SECRET"
  ddcoterm server user add alice --role admin
  ddcoterm server user add ci --role member --json | jq -r .apiKey
  ddcoterm server incident create "db failover" --responder alice --responder bob
  ddcoterm server incident resolve 3`;

const OPTIONS: OptionSpec[] = [
  { name: "help", short: "h", type: "boolean" },
  { name: "listen", type: "string" },
  { name: "data", type: "string" },
  { name: "database", type: "string" },
  { name: "max-chunk-bytes", type: "number" },
  { name: "max-upload-rate", type: "number" },
  { name: "role", type: "string", choices: ROLES },
  { name: "json", type: "boolean" },
  { name: "config", type: "string" },
  { name: "required-approvals", type: "number" },
  { name: "approval-expiry", type: "string" },
  { name: "webhook", type: "string" },
  { name: "webhook-secret", type: "string" },
  { name: "responder", type: "string", multiple: true },
  { name: "all", type: "boolean" },
];

/** --config FILE (YAML) and the approval flags → settings; errors name the file or flag. */
async function approvalSettings(options: Record<string, unknown>) {
  let file: unknown;
  const path = options.config as string | undefined;
  if (path !== undefined) {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      throw new UserError(`Cannot read the server config "${path}": ${(error as Error).message}`);
    }
    const { parse } = await import("yaml");
    try {
      file = parse(text);
    } catch (error) {
      throw new UserError(`Cannot parse the server config "${path}": ${(error as Error).message}`);
    }
  }
  try {
    return resolveSettings(file, {
      requiredApprovals: options["required-approvals"] as number | undefined,
      approvalExpiry: options["approval-expiry"] as string | undefined,
      webhook: options.webhook as string | undefined,
      webhookSecret: options["webhook-secret"] as string | undefined,
    }, Deno.env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    throw new UserError(path ? `In "${path}": ${error.message}` : error.message);
  }
}

export function parseListen(text: string): { hostname: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new UserError(`Option "--listen" expects HOST:PORT (e.g. 127.0.0.1:8420), got "${text}"`);
  }
  return { hostname: match[1] ?? (match[2] || "127.0.0.1"), port };
}

async function withStore<T>(
  options: Record<string, unknown>,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore({
    dataDir: (options.data as string | undefined) ?? `${ddcotermHome()}/server`,
    databaseUrl: (options.database as string | undefined) ??
      (Deno.env.get("DDCOTERM_DATABASE_URL") || undefined),
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export async function run(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, OPTIONS, { context: "ddcoterm server" });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  if (positionals[0] === "incident") return await incidentCommand(positionals.slice(1), options);
  if (positionals.length > 0) return await userCommand(positionals, options);
  const { hostname, port } = parseListen(
    (options.listen as string | undefined) ?? "127.0.0.1:8420",
  );
  const chunk = options["max-chunk-bytes"] as number | undefined;
  if (
    chunk !== undefined && (!Number.isInteger(chunk) || chunk < 4096 || chunk > 64 * 1024 * 1024)
  ) {
    throw new UserError(`Option "--max-chunk-bytes" expects 4096 to 67108864, got "${chunk}"`);
  }
  const rate = options["max-upload-rate"] as number | undefined;
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 0)) {
    throw new UserError(`Option "--max-upload-rate" expects a whole number ≥ 0, got "${rate}"`);
  }
  const databaseUrl = (options.database as string | undefined) ??
    (Deno.env.get("DDCOTERM_DATABASE_URL") || undefined);
  const dataDir = (options.data as string | undefined) ?? `${ddcotermHome()}/server`;
  const approvals = await approvalSettings(options);
  const store = await openStore({ dataDir, databaseUrl });
  let server;
  try {
    server = await startServer(store, {
      hostname,
      port,
      approvals,
      onWebhookFailure: (url, reason) => say(`webhook ${url} failed: ${reason}`),
      limits: {
        ...(chunk !== undefined ? { maxChunkBytes: chunk } : {}),
        ...(rate !== undefined ? { maxUploadBytesPerSecond: rate } : {}),
      },
    });
  } catch (error) {
    await store.close();
    throw new UserError(`Cannot listen on ${hostname}:${port}: ${(error as Error).message}`, 1);
  }
  const where = databaseUrl ? redactUrl(databaseUrl) : `${dataDir}/ddcoterm.db`;
  say(`server listening on ${server.url} (data: ${where})`);
  if (await store.countUsers() === 0) {
    say(`no users yet: create one with "ddcoterm server user add NAME --role admin"`);
  }
  const stop = () => void server.shutdown();
  for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, stop);
  await server.finished;
  await store.close();
  return 0;
}

async function userCommand(
  positionals: string[],
  options: Record<string, unknown>,
): Promise<number> {
  const [group, action, name, ...extra] = positionals;
  if (group !== "user" || extra.length > 0) {
    throw new UserError(
      `Unknown server command "${positionals.join(" ")}" (see ddcoterm server --help)`,
    );
  }
  if (action === "add") {
    if (!name) throw new UserError("ddcoterm server user add needs a NAME");
    const role = options.role as string | undefined;
    if (!role) {
      throw new UserError("ddcoterm server user add needs --role admin, approver or member");
    }
    const created = await withStore(options, async (store) => {
      if (await store.userByName(checkName(name))) {
        throw new UserError(`A user named "${name}" already exists`, 1);
      }
      return await addUser(store, name, role as "admin");
    });
    if (options.json) printOut(JSON.stringify({ user: created.user, apiKey: created.apiKey }));
    else {
      printOut(created.apiKey);
      say(`created ${role} "${name}"; the API key above is shown only once`);
    }
    return 0;
  }
  if (action === "key") {
    if (!name) throw new UserError("ddcoterm server user key needs a NAME");
    const key = await withStore(options, (store) => addApiKey(store, checkName(name)));
    if (!key) throw new UserError(`No user named "${name}"`, 1);
    printOut(options.json ? JSON.stringify({ user: name, apiKey: key }) : key);
    return 0;
  }
  if (action === "list" && !name) {
    const users = await withStore(options, (store) => store.listUsers());
    if (options.json) printOut(JSON.stringify(users, null, 2));
    else {printOut(
        users.map((u) => `${u.name}\t${u.role}${u.disabled ? "\tdisabled" : ""}`).join("\n") ||
          "No users.",
      );}
    return 0;
  }
  throw new UserError(`Unknown user command "${action ?? ""}" (expected add, key or list)`);
}

async function incidentCommand(
  positionals: string[],
  options: Record<string, unknown>,
): Promise<number> {
  const [action, arg, ...extra] = positionals;
  if (extra.length > 0) {
    throw new UserError(
      `Unexpected "${extra.join(" ")}" (put a title with spaces in quotes: "db failover")`,
    );
  }
  if (action === "create") {
    if (!arg) throw new UserError('ddcoterm server incident create needs a TITLE ("db failover")');
    const responders = (options.responder as string[] | undefined) ?? [];
    if (responders.length === 0) {
      throw new UserError("ddcoterm server incident create needs at least one --responder NAME");
    }
    const incident = await withStore(options, async (store) => {
      for (const name of responders) {
        if (!await store.userByName(checkName(name))) {
          throw new UserError(`No user named "${name}" (add it with "server user add")`, 1);
        }
      }
      const created = await store.approvals.createIncident(arg.trim(), responders, "cli");
      await store.audit(null, "incident.create", null, { incident: created.id, via: "cli" });
      await store.db.notify(JSON.stringify({ kind: "incident", incident: created.id }));
      return created;
    });
    if (options.json) printOut(JSON.stringify(incident));
    else {
      printOut(String(incident.id));
      say(`incident ${incident.id} "${incident.title}": responders ${responders.join(", ")}`);
    }
    return 0;
  }
  if (action === "list" && !arg) {
    const incidents = await withStore(
      options,
      (store) =>
        store.approvals.listIncidents({ status: options.all ? undefined : "active", limit: 1000 }),
    );
    if (options.json) printOut(JSON.stringify(incidents, null, 2));
    else {
      printOut(
        incidents.map((i) => `${i.id}\t${i.status}\t${i.title}\t${i.responders.join(",")}`)
          .join("\n") || "No incidents.",
      );
    }
    return 0;
  }
  if (action === "resolve") {
    const id = Number(arg);
    if (!arg || !Number.isSafeInteger(id)) {
      throw new UserError("ddcoterm server incident resolve needs an incident ID (a number)");
    }
    const incident = await withStore(options, async (store) => {
      if (!await store.approvals.incident(id)) throw new UserError(`No incident ${id}`, 1);
      const resolved = await store.approvals.updateIncident(id, { status: "resolved" }, "cli");
      await store.audit(null, "incident.update", null, { incident: id, status: "resolved" });
      await store.db.notify(JSON.stringify({ kind: "incident", incident: id }));
      return resolved;
    });
    if (options.json) printOut(JSON.stringify(incident));
    else say(`incident ${id} "${incident.title}" resolved`);
    return 0;
  }
  throw new UserError(
    `Unknown incident command "${action ?? ""}" (expected create, list or resolve)`,
  );
}
