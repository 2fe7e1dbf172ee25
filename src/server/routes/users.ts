/** Sign-in (key or password → cookie), who am I, passwords, and user/key management (admins). */
import { hashPassword, newApiKey, randomToken, sha256Hex, verifyPassword } from "../auth.ts";
import { HttpError, InvalidInput } from "../http/errors.ts";
import { json, readJson } from "../http/respond.ts";
import type { RequestContext, ServerContext } from "../context.ts";
import { type Role, ROLES, type User } from "../storage/types.ts";

export const SESSION_COOKIE = "ddcoterm_session";
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function checkName(name: unknown): string {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new InvalidInput(
      'A user name is 1 to 64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
    );
  }
  return name;
}

export function checkRole(role: unknown): Role {
  if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) {
    throw new InvalidInput(`A role is one of ${ROLES.join(", ")}`);
  }
  return role as Role;
}

function checkPassword(password: unknown): string {
  if (typeof password !== "string" || password.length < 12 || password.length > 1024) {
    throw new InvalidInput("A password is 12 to 1024 characters");
  }
  return password;
}

/** POST /api/v1/auth/login: {apiKey} or {name, password} → session cookie and CSRF token. */
export async function login(server: ServerContext, request: Request, url: URL): Promise<Response> {
  const body = await readJson(request, 4096) as Record<string, unknown>;
  const store = server.store;
  let user: User | undefined;
  if (typeof body?.apiKey === "string") {
    user = await store.userByKeyHash(sha256Hex(body.apiKey));
  } else if (typeof body?.name === "string" && typeof body?.password === "string") {
    const candidate = await store.userByName(body.name);
    const stored = candidate ? await store.passwordHash(candidate.id) : null;
    if (candidate && stored && await verifyPassword(body.password, stored)) user = candidate;
  } else {
    throw new InvalidInput('Sign in with {"apiKey"} or {"name", "password"}');
  }
  if (!user || user.disabled) throw new HttpError(401, "Wrong credentials");
  const token = randomToken();
  const csrf = randomToken();
  await store.createWebSession(sha256Hex(token), user.id, csrf, SESSION_TTL_MS);
  await store.audit({ id: user.id, name: user.name, role: user.role }, "auth.login", null, {
    via: typeof body.apiKey === "string" ? "key" : "password",
  });
  const secure = url.protocol === "https:" ? "; Secure" : "";
  return json({ user, csrfToken: csrf }, 200, {
    "set-cookie": `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${
      SESSION_TTL_MS / 1000
    }${secure}`,
  });
}

export async function logout(ctx: RequestContext, token: string | undefined): Promise<Response> {
  if (token) await ctx.server.store.deleteWebSession(sha256Hex(token));
  return json({ ok: true }, 200, {
    "set-cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
  });
}

export function me(ctx: RequestContext, csrf: string | undefined): Response {
  return json({ user: ctx.user, csrfToken: csrf ?? null });
}

export async function setOwnPassword(ctx: RequestContext): Promise<Response> {
  const body = await readJson(ctx.request, 4096) as Record<string, unknown>;
  const password = checkPassword(body?.password);
  const stored = await ctx.server.store.passwordHash(ctx.user.id);
  if (stored && !(typeof body.current === "string" && await verifyPassword(body.current, stored))) {
    throw new HttpError(403, 'The current password ("current") is wrong');
  }
  await ctx.server.store.updateUser(ctx.user.id, { passwordHash: await hashPassword(password) });
  await ctx.server.store.audit(ctx.viewer, "user.password", null, { user: ctx.user.name });
  return json({ ok: true });
}

function requireAdmin(ctx: RequestContext): void {
  if (ctx.viewer.role !== "admin") throw new HttpError(403, "Only admins manage users");
}

async function target(ctx: RequestContext): Promise<User> {
  const user = await ctx.server.store.userByName(checkName(ctx.params.name));
  if (!user) throw new HttpError(404, `No user named "${ctx.params.name}"`);
  return user;
}

export async function listUsers(ctx: RequestContext): Promise<Response> {
  requireAdmin(ctx);
  return json({ users: await ctx.server.store.listUsers() });
}

/** Creates a user and their first API key, shown in this answer only. */
export async function createUser(ctx: RequestContext): Promise<Response> {
  requireAdmin(ctx);
  const body = await readJson(ctx.request, 4096) as Record<string, unknown>;
  const user = await ctx.server.store.createUser(checkName(body?.name), checkRole(body?.role));
  if (body.password !== undefined) {
    await ctx.server.store.updateUser(user.id, {
      passwordHash: await hashPassword(checkPassword(body.password)),
    });
  }
  const key = newApiKey();
  await ctx.server.store.addApiKey(user.id, key.hash, key.prefix);
  await ctx.server.store.audit(ctx.viewer, "user.create", null, {
    user: user.name,
    role: user.role,
  });
  return json({ user: await ctx.server.store.userById(user.id), apiKey: key.key }, 201);
}

export async function updateUser(ctx: RequestContext): Promise<Response> {
  requireAdmin(ctx);
  const user = await target(ctx);
  const body = await readJson(ctx.request, 4096) as Record<string, unknown>;
  const changes: { role?: Role; disabled?: boolean; passwordHash?: string | null } = {};
  if (body.role !== undefined) changes.role = checkRole(body.role);
  if (body.disabled !== undefined) {
    if (typeof body.disabled !== "boolean") throw new InvalidInput('"disabled" must be a boolean');
    changes.disabled = body.disabled;
  }
  if (body.password !== undefined) {
    changes.passwordHash = body.password === null
      ? null
      : await hashPassword(checkPassword(body.password));
  }
  const updated = await ctx.server.store.updateUser(user.id, changes);
  await ctx.server.store.audit(ctx.viewer, "user.update", null, {
    user: user.name,
    role: changes.role,
    disabled: changes.disabled,
    password: body.password === undefined ? undefined : "changed",
  });
  return json({ user: updated });
}

export async function listKeys(ctx: RequestContext): Promise<Response> {
  const user = await target(ctx);
  if (ctx.viewer.role !== "admin" && user.id !== ctx.user.id) requireAdmin(ctx);
  return json({ keys: await ctx.server.store.listApiKeys(user.id) });
}

export async function createKey(ctx: RequestContext): Promise<Response> {
  const user = await target(ctx);
  if (ctx.viewer.role !== "admin" && user.id !== ctx.user.id) requireAdmin(ctx);
  const key = newApiKey();
  await ctx.server.store.addApiKey(user.id, key.hash, key.prefix);
  await ctx.server.store.audit(ctx.viewer, "key.create", null, { user: user.name });
  return json({ apiKey: key.key, prefix: key.prefix }, 201);
}

export async function deleteKey(ctx: RequestContext): Promise<Response> {
  const user = await target(ctx);
  if (ctx.viewer.role !== "admin" && user.id !== ctx.user.id) requireAdmin(ctx);
  const keyId = Number(ctx.params.key);
  if (!Number.isSafeInteger(keyId)) throw new InvalidInput("The key id is not valid");
  if (!await ctx.server.store.deleteApiKey(user.id, keyId)) {
    throw new HttpError(404, `No key ${keyId} for user "${user.name}"`);
  }
  await ctx.server.store.audit(ctx.viewer, "key.delete", null, { user: user.name, key: keyId });
  return json({ ok: true });
}
