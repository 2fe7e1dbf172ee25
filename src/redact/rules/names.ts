/** Heuristics for "NAME = value" shapes: which names hold secrets, which values are real. */
import { shannonEntropy } from "../entropy.ts";
import { isPlaceholder } from "./common.ts";

/** Words that make a name secret on their own (matched inside a segment). */
const STRONG =
  /password|passwd|passphrase|secret(?!ary)|token(?!iz)|credential|apikey|accesskey|privatekey|secretkey|authkey|privkey|connectionstring|connstr/;
/** Segments that are secret only as a whole word: DB_PASS, MYSQL_PWD, SMTP_PW. */
const WHOLE = new Set(["pass", "pwd", "pw", "psw", "pword", "sas", "pat"]);
/** Segments that make a following "key" segment a secret: API_KEY, SIGNING_KEY, ... */
const KEY_QUALIFIERS = new Set([
  "api",
  "access",
  "private",
  "secret",
  "auth",
  "signing",
  "encryption",
  "encrypt",
  "master",
  "session",
  "client",
  "account",
  "storage",
  "app",
  "application",
  "license",
  "consumer",
  "shared",
  "subscription",
  "admin",
  "write",
  "deploy",
  "service",
  "ingest",
  "webhook",
  "hmac",
  "jwt",
  "aes",
  "crypto",
  "cipher",
  "decryption",
  "root",
  "sdk",
  "server",
  "partner",
  "merchant",
  "mgmt",
]);
/** Last segments that make a secret-sounding name describe something else. */
const NOT_VALUE = new Set([
  "id",
  "ids",
  "name",
  "names",
  "file",
  "files",
  "filename",
  "path",
  "paths",
  "dir",
  "type",
  "types",
  "length",
  "len",
  "size",
  "count",
  "ttl",
  "expiry",
  "expires",
  "expiration",
  "expire",
  "lifetime",
  "timeout",
  "enabled",
  "disabled",
  "enable",
  "required",
  "policy",
  "mode",
  "version",
  "header",
  "field",
  "env",
  "var",
  "ref",
  "arn",
  "regex",
  "pattern",
  "format",
  "rotation",
  "provider",
  "manager",
  "min",
  "max",
  "limit",
  "at",
  "in",
  "label",
  "description",
  "desc",
  "help",
  "hint",
  "prompt",
  "changed",
  "strength",
  "validation",
  "placeholder",
  "location",
  "store",
  "endpoint",
  "uri",
  "url",
  "host",
  "port",
  "user",
  "username",
  "login",
  "email",
  "prefix",
  "suffix",
  "algorithm",
  "algo",
  "method",
  "scheme",
  "kind",
  "index",
  "reset",
  "reminder",
  "stdin",
  "cmd",
  "command",
  "helper",
  "hash",
  "hashed",
  "digest",
  "checksum",
  "fingerprint",
  "salt",
  "iterations",
  "rounds",
  "source",
  "src",
  "backend",
  "engine",
  "key",
  "keys",
  "usage",
  "used",
  "valid",
  "set",
  "exists",
  "present",
  "mount",
  "volume",
  "ns",
  "namespace",
  "selector",
  "class",
  "ok",
  "status",
  "error",
  "errors",
  "message",
  "msg",
  "text",
  "title",
  "list",
  "map",
  "schema",
  "spec",
  "config",
  "settings",
  "option",
  "options",
  "opts",
  "flag",
  "flags",
  "check",
  "checker",
  "policy",
  "rule",
]);
/** Exact names that only look secret. */
const NOT_SECRET_NAMES = new Set([
  "pwd",
  "oldpwd",
  "passwd",
  "pass",
  "token",
  "tokens",
  "secret",
  "secrets",
]);

/** Splits FOO_BAR, fooBar, foo-bar, foo.bar into lower-case words. */
export function nameSegments(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[^a-z0-9]+/).filter((
    s,
  ) => s.length > 0);
}

/**
 * True when a variable / key / flag name says its value is a secret.
 * `bare` names (a lone "password", "token") count only when `allowBare` is set: a YAML key
 * "token:" is a secret, a prose word followed by a colon is not.
 */
export function isSecretName(name: string, allowBare = true): boolean {
  // Names repeat a lot in output (env dumps, configs): remember the verdicts.
  const key = allowBare ? name : "\u0000" + name;
  const known = nameCache.get(key);
  if (known !== undefined) return known;
  const v = secretName(name, allowBare);
  if (nameCache.size >= 4096) nameCache.clear();
  nameCache.set(key, v);
  return v;
}

const nameCache = new Map<string, boolean>();

function secretName(name: string, allowBare: boolean): boolean {
  const segs = nameSegments(name);
  if (segs.length === 0) return false;
  const lower = segs.join("_");
  if (!allowBare && NOT_SECRET_NAMES.has(lower)) return false;
  if (lower === "pwd" || lower === "oldpwd") return false;
  const last = segs[segs.length - 1];
  let hit = false;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (STRONG.test(s) || WHOLE.has(s)) {
      hit = true;
      if (i === segs.length - 1) return true;
    } else if (s === "key" && i > 0 && KEY_QUALIFIERS.has(segs[i - 1])) {
      hit = true;
      if (i === segs.length - 1) return true;
    }
  }
  if (!hit) return false;
  // The secret word is not last: PASSWORD_FILE, TOKEN_TYPE describe, SECRET_ACCESS stays.
  return !NOT_VALUE.has(last);
}

const CODE_VALUE =
  /^(?:process\.env|os\.environ|os\.getenv|System\.getenv|ENV|env|config|settings|self|this|params|args|options|opts|request|req|secrets|vars|inputs)\b[.\[(]/;
const DOTTED_IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;

/** Character classes present: lower, upper, digit, other. */
function classes(v: string): number {
  let n = 0;
  if (/[a-z]/.test(v)) n++;
  if (/[A-Z]/.test(v)) n++;
  if (/[0-9]/.test(v)) n++;
  if (/[^A-Za-z0-9]/.test(v)) n++;
  return n;
}

/** True when a value next to a secret name is a real secret, not a reference or example. */
export function isPlausibleSecretValue(value: string): boolean {
  const v = value.trim();
  if (v.length < 4 || v.length > 4096) return false;
  if (isPlaceholder(v)) return false;
  if (/^(?:\/|\.\/|\.\.\/|~\/|file:|https?:\/\/|[A-Za-z]:\\)/.test(v)) return false;
  // A dotted name is a reference (settings.db.password) unless a part is token-long.
  if (CODE_VALUE.test(v) || (DOTTED_IDENT.test(v) && !/[A-Za-z0-9_]{20}/.test(v))) return false;
  if (/^[\[{(]|[()]$/.test(v)) return false;
  if (/^\$[{(A-Za-z_]/.test(v) || /^%[A-Za-z_]/.test(v) || /^\{\{/.test(v)) return false;
  if (/^[0-9]+$/.test(v) && v.length < 12) return false;
  if (/^\*+|\*{3,}/.test(v)) return false;
  if (classes(v) >= 2) return true;
  return v.length >= 12 && shannonEntropy(v) >= 3;
}
