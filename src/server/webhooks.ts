/**
 * Webhooks: a JSON POST per approval event (created, approved, declined, expired, cancelled)
 * and per break glass, to every configured URL that wants it. The body is signed with
 * HMAC-SHA256 under the target's secret: `X-Ddcoterm-Signature: sha256=<hex>`, so a receiver
 * checks it came from this server. Deliveries are in the background, retried 3 times (1 s,
 * 4 s); a receiver that keeps failing is reported, never blocks a request.
 */
import { abortableSleep } from "../core/sleep.ts";
import { createHmac } from "node:crypto";
import type { WebhookEvent, WebhookTarget } from "./approvals/settings.ts";
import { uuidv7 } from "../core/ids.ts";

export function signBody(secret: string, body: string): string {
  return "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
}

export interface WebhookDelivery {
  id: string;
  event: WebhookEvent;
  body: string;
}

export class Webhooks {
  #pending = new Set<Promise<void>>();
  #stopped = new AbortController();

  constructor(
    readonly targets: WebhookTarget[],
    readonly options: {
      onFailure?: (url: string, reason: string) => void;
      retryDelaysMs?: number[];
      timeoutMs?: number;
    } = {},
  ) {}

  /** Queues `payload` for every target subscribed to `event`; returns at once. */
  send(event: WebhookEvent, payload: Record<string, unknown>): void {
    const targets = this.targets.filter((t) => t.events.includes(event));
    if (targets.length === 0) return;
    const delivery: WebhookDelivery = {
      id: uuidv7(),
      event,
      body: JSON.stringify({ event, at: new Date().toISOString(), ...payload }),
    };
    for (const target of targets) {
      const job = this.#deliver(target, delivery).finally(() => this.#pending.delete(job));
      this.#pending.add(job);
    }
  }

  async #deliver(target: WebhookTarget, delivery: WebhookDelivery): Promise<void> {
    const delays = this.options.retryDelaysMs ?? [1000, 4000];
    let reason = "";
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (this.#stopped.signal.aborted) return;
      try {
        const response = await fetch(target.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "ddcoterm-webhooks",
            "x-ddcoterm-event": delivery.event,
            "x-ddcoterm-delivery": delivery.id,
            "x-ddcoterm-signature": signBody(target.secret, delivery.body),
          },
          body: delivery.body,
          signal: AbortSignal.any([
            this.#stopped.signal,
            AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
          ]),
        });
        await response.body?.cancel();
        if (response.ok) return;
        reason = `HTTP ${response.status}`;
        if (response.status < 500 && response.status !== 429) break; // Will not get better.
      } catch (error) {
        reason = (error as Error).message;
      }
      if (attempt < delays.length) {
        await abortableSleep(delays[attempt], this.#stopped.signal);
      }
    }
    if (!this.#stopped.signal.aborted) this.options.onFailure?.(target.url, reason);
  }

  /** Waits for deliveries in flight (tests), or drops them with `abort`. */
  async settle({ abort = false } = {}): Promise<void> {
    if (abort) this.#stopped.abort();
    await Promise.allSettled([...this.#pending]);
  }
}
