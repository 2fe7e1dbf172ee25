/**
 * Approval policy and webhooks: `ddcoterm server --config FILE` (YAML) and the flags that
 * override it, checked in one function. Pure: the caller reads the file and the environment.
 *
 *   approvals:
 *     required_approvals: 2        # approvals needed (default 1)
 *     expiry: 30m                  # a pending request expires after this (default 1h)
 *     reviewers:                   # per command (program name): who is asked
 *       kubectl: [bob, carol]
 *   webhooks:
 *     - url: https://hooks.example.com/ddcoterm
 *       secret_env: DDCOTERM_WEBHOOK_SECRET   # or secret: TEXT
 *       events: [created, approved, declined, expired, break_glass]   # default: all
 */
export const WEBHOOK_EVENTS = [
  "created",
  "approved",
  "declined",
  "expired",
  "cancelled",
  "break_glass",
] as const;
export type WebhookEvent = typeof WEBHOOK_EVENTS[number];

export interface ApprovalPolicy {
  requiredApprovals: number;
  expiryMs: number;
  /** Command name → user names asked to review it. */
  reviewers: Record<string, string[]>;
}

export interface WebhookTarget {
  url: string;
  secret: string;
  events: WebhookEvent[];
}

export interface ApprovalSettings {
  policy: ApprovalPolicy;
  webhooks: WebhookTarget[];
}

export const DEFAULT_POLICY: ApprovalPolicy = {
  requiredApprovals: 1,
  expiryMs: 60 * 60 * 1000,
  reviewers: {},
};

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/** "90s", "30m", "1h", "2d" or plain seconds → milliseconds. */
export function parseDuration(text: string, what: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  const value = match ? Number(match[1]) : NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match?.[2] ?? "s"]!;
  const ms = value * unit;
  if (!match || !(ms >= 1000) || ms > 30 * 86_400_000) {
    throw new SettingsError(
      `${what} expects a duration from 1s to 30d such as 90s, 30m or 1h, got "${text}"`,
    );
  }
  return Math.round(ms);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Record<string, unknown>, allowed: string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new SettingsError(`${where}: unknown key "${key}" (expected ${allowed.join(", ")})`);
    }
  }
}

function checkUrl(url: unknown, where: string): string {
  if (typeof url !== "string") throw new SettingsError(`${where}: "url" must be a string`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SettingsError(`${where}: "url" is not a URL: "${url}"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new SettingsError(`${where}: "url" must be http or https, got "${url}"`);
  }
  return url;
}

export interface SettingsFlags {
  requiredApprovals?: number;
  approvalExpiry?: string;
  webhook?: string;
  webhookSecret?: string;
}

/** The parsed YAML (or undefined) and the flags → settings; flags win. */
export function resolveSettings(
  file: unknown,
  flags: SettingsFlags,
  env: { get(name: string): string | undefined },
): ApprovalSettings {
  const policy: ApprovalPolicy = { ...DEFAULT_POLICY, reviewers: {} };
  const webhooks: WebhookTarget[] = [];
  if (file !== undefined && file !== null) {
    if (!isObject(file)) throw new SettingsError("The server config must be a YAML mapping");
    unknownKeys(file, ["approvals", "webhooks"], "The server config");
    const approvals = file.approvals;
    if (approvals !== undefined && approvals !== null) {
      if (!isObject(approvals)) throw new SettingsError('"approvals" must be a mapping');
      unknownKeys(approvals, ["required_approvals", "expiry", "reviewers"], '"approvals"');
      if (approvals.required_approvals !== undefined) {
        policy.requiredApprovals = checkRequired(approvals.required_approvals);
      }
      if (approvals.expiry !== undefined) {
        policy.expiryMs = parseDuration(String(approvals.expiry), '"approvals.expiry"');
      }
      if (approvals.reviewers !== undefined) {
        if (!isObject(approvals.reviewers)) {
          throw new SettingsError('"approvals.reviewers" must map command names to user lists');
        }
        for (const [command, names] of Object.entries(approvals.reviewers)) {
          if (!Array.isArray(names) || names.some((n) => typeof n !== "string" || n === "")) {
            throw new SettingsError(
              `"approvals.reviewers.${command}" must be a list of user names`,
            );
          }
          policy.reviewers[command] = names as string[];
        }
      }
    }
    const hooks = file.webhooks;
    if (hooks !== undefined && hooks !== null) {
      if (!Array.isArray(hooks)) throw new SettingsError('"webhooks" must be a list');
      hooks.forEach((hook, i) => {
        const where = `"webhooks" item ${i + 1}`;
        if (!isObject(hook)) throw new SettingsError(`${where} must be a mapping`);
        unknownKeys(hook, ["url", "secret", "secret_env", "events"], where);
        let secret = typeof hook.secret === "string" ? hook.secret : "";
        if (typeof hook.secret_env === "string") {
          secret = env.get(hook.secret_env) ?? "";
          if (!secret) {
            throw new SettingsError(`${where}: the variable "${hook.secret_env}" is not set`);
          }
        }
        if (!secret) throw new SettingsError(`${where} needs "secret" or "secret_env"`);
        webhooks.push({
          url: checkUrl(hook.url, where),
          secret,
          events: checkEvents(hook.events, where),
        });
      });
    }
  }
  if (flags.requiredApprovals !== undefined) {
    policy.requiredApprovals = checkRequired(flags.requiredApprovals, '"--required-approvals"');
  }
  if (flags.approvalExpiry !== undefined) {
    policy.expiryMs = parseDuration(flags.approvalExpiry, 'Option "--approval-expiry"');
  }
  if (flags.webhook !== undefined) {
    const secret = flags.webhookSecret ?? env.get("DDCOTERM_WEBHOOK_SECRET");
    if (!secret) {
      throw new SettingsError(
        'Option "--webhook" needs --webhook-secret or DDCOTERM_WEBHOOK_SECRET (bodies are signed)',
      );
    }
    webhooks.push({
      url: checkUrl(flags.webhook, 'Option "--webhook"'),
      secret,
      events: [...WEBHOOK_EVENTS],
    });
  } else if (flags.webhookSecret !== undefined) {
    throw new SettingsError('Option "--webhook-secret" goes with --webhook URL');
  }
  return { policy, webhooks };
}

function checkRequired(value: unknown, what = '"approvals.required_approvals"'): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 10) {
    throw new SettingsError(`${what} expects a whole number from 1 to 10, got "${value}"`);
  }
  return value;
}

function checkEvents(value: unknown, where: string): WebhookEvent[] {
  if (value === undefined || value === null) return [...WEBHOOK_EVENTS];
  if (!Array.isArray(value)) throw new SettingsError(`${where}: "events" must be a list`);
  for (const event of value) {
    if (!(WEBHOOK_EVENTS as readonly unknown[]).includes(event)) {
      throw new SettingsError(
        `${where}: unknown event "${event}" (expected ${WEBHOOK_EVENTS.join(", ")})`,
      );
    }
  }
  return value as WebhookEvent[];
}
