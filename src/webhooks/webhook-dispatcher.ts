import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Clock } from '../common/clock';
import { RequestGaps } from '../common/request-gaps';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MultiFernet } from '../service-keys/fernet';
import { VERSION } from '../version';
import { Lookup } from './address-policy';
import {
  ClaimedDelivery,
  CompletedTry,
  TryOutcome,
  WebhookDeliveriesRepository,
} from './webhook-deliveries.repository';
import { createAgents, sendWebhook } from './webhook-sender';
import { signedHeaders } from './webhook-signer';
import { WEBHOOK_EVENTS } from './webhooks.enums';

/** Deliveries claimed per look at the queue, and sent at once. */
const BATCH = 16;
/**
 * A committed event is looked at this much later, so that the deliveries of the requests around it share one
 * claim (one write transaction for them all, rather than one per event).
 */
const KICK_DELAY_MS = 25;

/**
 * The delivery worker. Every instance running the HTTP service runs one (unless WEBHOOK_POLL_SECONDS=0); they share
 * the queue through claims, so each try is made by one of them. It looks at the queue every poll interval and right
 * after this instance commits a webhook event, never on the request's path.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private active = false;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  /** A look at the queue is already due within KICK_DELAY_MS. */
  private kicked = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly agents = createAgents();
  /** Name resolution for deliveries (tests replace it). */
  lookup?: Lookup;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly cipher: MultiFernet,
    private readonly emitter: EventEmitter2,
    private readonly clock: Clock,
    private readonly http: HttpAdapterHost,
    private readonly gaps: RequestGaps,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The worker belongs to the HTTP service; CLI commands (an application context without HTTP) send nothing. */
  onApplicationBootstrap(): void {
    if (!this.http.httpAdapter || this.config.webhooks.pollMs === 0) return;
    this.active = true;
    for (const name of WEBHOOK_EVENTS) this.emitter.on(name, this.kick);
    this.schedule(this.config.webhooks.pollMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    for (const name of WEBHOOK_EVENTS) this.emitter.off(name, this.kick);
    await this.running;
    await Promise.allSettled([...this.inFlight]);
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Look at the queue soon (a webhook event was just committed, or an admin asked for a try). */
  readonly kick = (): void => {
    if (!this.active) return;
    if (this.running) this.again = true;
    else if (!this.kicked) {
      this.kicked = true;
      this.schedule(KICK_DELAY_MS);
    }
  };

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.kicked = false;
    if (!this.active || this.running) return;
    this.running = this.drain()
      .then(() => undefined)
      .catch((err: Error) => this.logger.error(`webhook delivery round failed: ${err.message}`))
      .finally(() => (this.running = undefined));
    await this.running;
    if (!this.active) return;
    const again = this.again;
    this.again = false;
    this.schedule(again ? KICK_DELAY_MS : this.config.webhooks.pollMs);
  }

  /** Sends every delivery due now, batch after batch, until none is left; returns how many tries were made. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.sendDue();
      total += sent;
      if (sent === 0) return total;
    }
  }

  /**
   * One batch: claims up to BATCH due deliveries, sends them without waiting for each other's answers, and records
   * each try when its answer (or its error) is in; returns how many this worker tried. The worker shares the event
   * loop with the requests, so it works in small pieces (a send, a record), each started in a gap between requests
   * (RequestGaps) rather than while one is being answered. A crash before a record re-sends that delivery after its
   * lease (same id: receivers de-duplicate by `webhook-id`).
   */
  async sendDue(): Promise<number> {
    const now = this.clock.date();
    const lease = this.config.webhooks.timeoutMs + 60_000;
    const claims = await this.deliveries.claimDue(now, BATCH, lease);
    const secrets = new Map<string, string[]>();
    // Once no gap came in time, the rest of the batch goes on at the loop's pace: the load is sustained.
    let patient = true;
    const turn = async () => {
      if (patient) patient = await this.gaps.gap();
      else await nextTurn();
    };
    const work = (async () => {
      const recorded: Promise<void>[] = [];
      for (const claim of claims) {
        await turn();
        recorded.push(
          this.tryOnce(claim, secrets).then(async (done) => {
            await turn();
            await this.deliveries.record(done);
          }),
        );
      }
      await Promise.all(recorded);
    })();
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
    return claims.length;
  }

  /** One try of a claimed delivery; `secrets` keeps an endpoint's decrypted secrets for the rest of the batch. */
  private async tryOnce(claim: ClaimedDelivery, secrets: Map<string, string[]>): Promise<CompletedTry> {
    const { delivery, endpoint } = claim;
    const at = this.clock.date();
    const started = performance.now();
    let result: { status?: number; error?: string };
    try {
      let keys = secrets.get(endpoint.id);
      if (!keys) secrets.set(endpoint.id, (keys = this.secrets(claim, at)));
      const headers = {
        ...signedHeaders(delivery.id, at, delivery.payload, keys),
        'user-agent': `Voicegate-Webhooks/${VERSION}`,
      };
      result = await sendWebhook(endpoint.url, delivery.payload, headers, {
        timeoutMs: this.config.webhooks.timeoutMs,
        blockPrivate: !this.config.webhooks.allowPrivate,
        lookup: this.lookup,
        agents: this.agents,
      });
    } catch (err) {
      result = { error: `not sent: ${(err as Error).message}` };
    }
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300 && !result.error;
    const schedule = this.config.webhooks.retryScheduleMs;
    const tries = delivery.attempts + 1;
    const outcome: TryOutcome = {
      at,
      durationMs: performance.now() - started,
      status: result.status ?? null,
      error: result.error ?? null,
      next: ok ? 'succeeded' : tries <= schedule.length ? new Date(at.getTime() + schedule[tries - 1]) : null,
    };
    const reason = `Disabled after ${tries} failed tries of delivery ${delivery.id} (${delivery.eventType}); last: ${
      result.error ?? `HTTP ${result.status}`
    }`;
    return { claim, outcome, disabledReason: reason };
  }

  /** The current secret, and the one before the last rotation while it still signs. */
  private secrets({ endpoint }: ClaimedDelivery, at: Date): string[] {
    const secrets = [this.cipher.decrypt(endpoint.secretEncrypted).toString('utf8')];
    if (
      endpoint.previousSecretEncrypted &&
      endpoint.previousSecretExpiresAt &&
      new Date(endpoint.previousSecretExpiresAt).getTime() > at.getTime()
    )
      secrets.push(this.cipher.decrypt(endpoint.previousSecretEncrypted).toString('utf8'));
    return secrets;
  }
}
