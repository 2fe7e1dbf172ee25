/**
 * ddcoterm server: intake, storage, replay, events, log search and live view. The CLI calls
 * `openStore`, `startServer` and `addUser`; nothing here prints or exits.
 */
import { newApiKey } from "./auth.ts";
import { createApp } from "./app.ts";
import { DEFAULT_LIMITS, type Limits } from "./context.ts";
import type { ApprovalSettings } from "./approvals/settings.ts";
import { defaultWebDir } from "./static.ts";
import type { Store } from "./storage/store.ts";
import type { Role, User } from "./storage/types.ts";

export { openStore, redactUrl, type StoreLocation } from "./storage/open.ts";
export type { Store } from "./storage/store.ts";
export { type Role, ROLES, type User } from "./storage/types.ts";
export { DEFAULT_LIMITS, type Limits } from "./context.ts";
export { checkName, checkRole } from "./routes/users.ts";
export {
  type ApprovalSettings,
  resolveSettings,
  SettingsError,
  WEBHOOK_EVENTS,
} from "./approvals/settings.ts";
export { signBody } from "./webhooks.ts";

export interface RunningServer {
  url: string;
  hostname: string;
  port: number;
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startServer(
  store: Store,
  options: {
    hostname: string;
    port: number;
    limits?: Partial<Limits>;
    webDir?: string | null;
    onListen?: (server: RunningServer) => void;
    approvals?: ApprovalSettings;
    onWebhookFailure?: (url: string, reason: string) => void;
  },
): Promise<RunningServer> {
  const app = await createApp({
    store,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    webDir: options.webDir === null ? undefined : options.webDir ?? defaultWebDir(),
    approvals: options.approvals,
    onWebhookFailure: options.onWebhookFailure,
  });
  let resolveListen!: (addr: Deno.NetAddr) => void;
  const listening = new Promise<Deno.NetAddr>((r) => resolveListen = r);
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: (addr) => resolveListen(addr as Deno.NetAddr),
  }, app.handler);
  const addr = await listening;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const url = `http://${host}:${addr.port}`;
  app.approvals.baseUrl = url;
  return {
    url,
    hostname: addr.hostname,
    port: addr.port,
    finished: server.finished.then(() => app.close()),
    shutdown: async () => {
      const closing = app.close();
      await server.shutdown();
      await closing;
    },
  };
}

/** Creates a user with a first API key; the key is returned once and stored only hashed. */
export async function addUser(
  store: Store,
  name: string,
  role: Role,
): Promise<{ user: User; apiKey: string }> {
  const user = await store.createUser(name, role);
  const key = newApiKey();
  await store.addApiKey(user.id, key.hash, key.prefix);
  await store.audit(null, "user.create", null, { user: name, role, via: "cli" });
  return { user, apiKey: key.key };
}

/** A new API key for an existing user (a lost key cannot be shown again). */
export async function addApiKey(store: Store, name: string): Promise<string | undefined> {
  const user = await store.userByName(name);
  if (!user) return undefined;
  const key = newApiKey();
  await store.addApiKey(user.id, key.hash, key.prefix);
  await store.audit(null, "key.create", null, { user: name, via: "cli" });
  return key.key;
}
