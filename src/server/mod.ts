/**
 * ddcoterm server: intake, storage, replay, events, log search and live view. The CLI calls
 * `openStore`, `startServer` and `addUser`; nothing here prints or exits.
 */
import { newApiKey } from "./auth.ts";
import { createApp } from "./app.ts";
import { DEFAULT_LIMITS, type Limits } from "./context.ts";
import { defaultWebDir } from "./static.ts";
import type { Store } from "./storage/store.ts";
import type { Role, User } from "./storage/types.ts";

export { openStore, redactUrl, type StoreLocation } from "./storage/open.ts";
export type { Store } from "./storage/store.ts";
export { type Role, ROLES, type User } from "./storage/types.ts";
export { DEFAULT_LIMITS, type Limits } from "./context.ts";
export { checkName, checkRole } from "./routes/users.ts";

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
  },
): Promise<RunningServer> {
  const app = await createApp({
    store,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    webDir: options.webDir === null ? undefined : options.webDir ?? defaultWebDir(),
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
  return {
    url: `http://${host}:${addr.port}`,
    hostname: addr.hostname,
    port: addr.port,
    finished: server.finished,
    shutdown: () => server.shutdown(),
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
