import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

type Handler = (message: string) => void;

/** How long start-up waits for Redis before the instance starts without it (degraded, failing open). */
const STARTUP_WAIT_MS = 2000;
/** Messages that could not be published are sent again, in order, once Redis takes them; at most this many. */
const MAX_UNSENT = 10_000;
const RESEND_EVERY_MS = 500;

/**
 * Optional Redis (REDIS_URL): a command client and a pub/sub subscriber. Commands fail fast while Redis is
 * down (no offline queue), so callers can fail open; `healthy` tells whether shared state can be trusted.
 * Start-up waits for both connections (up to STARTUP_WAIT_MS): an instance that served its first requests
 * while still connecting would count them alone, and a shared limit would let through what another instance
 * already counted.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client?: Redis;
  private readonly subscriber?: Redis;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly reconnectListeners = new Set<() => void>();
  private subscribed = false;
  private subscribing?: Promise<void>;
  /** Published while Redis refused: other instances have not heard these yet. */
  private readonly unsent: [channel: string, message: string][] = [];
  private resendTimer?: NodeJS.Timeout;
  private resending?: Promise<boolean>;
  private droppingUnsent = false;
  private wasDown = false;
  private closing = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (!config.redisUrl) return;
    const options = {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 1000,
      // No reconnect timers once shutting down, so the process exits promptly even while Redis is down.
      retryStrategy: (times: number) => (this.closing ? null : Math.min(200 * times, 2000)),
    };
    this.client = new Redis(config.redisUrl, { ...options, connectionName: 'voicegate' });
    this.subscriber = new Redis(config.redisUrl, {
      ...options,
      commandTimeout: undefined,
      connectionName: 'voicegate-sub',
    });
    this.client.on('error', (e) => this.noteDown(e));
    this.subscriber.on('error', (e) => this.noteDown(e));
    this.subscriber.on('close', () => {
      this.subscribed = false;
      // A connection that comes back at its first retry emits no error: the close itself is the outage.
      if (!this.closing) this.noteDown(new Error('connection closed'));
    });
    this.subscriber.on('ready', () => {
      this.subscribing = this.resubscribe();
    });
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const h of this.handlers.get(channel) ?? []) h(message);
    });
  }

  async onModuleInit(): Promise<void> {
    const { client, subscriber } = this;
    if (!client || !subscriber) return;
    const ready = (c: Redis) =>
      c.status === 'ready' ? Promise.resolve() : new Promise<void>((r) => c.once('ready', r));
    // A refused connection ends the wait at once; a slow one is waited for.
    const failed = (c: Redis) => new Promise<void>((r) => c.once('error', () => r()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, STARTUP_WAIT_MS)));
    const connected = Promise.all([ready(client), ready(subscriber)]).then(() => this.subscribing);
    await Promise.race([connected, failed(client), failed(subscriber), timeout]);
    clearTimeout(timer);
    if (!this.healthy) this.logger.warn(`Redis not reachable within ${STARTUP_WAIT_MS} ms; starting without it`);
  }

  get enabled(): boolean {
    return !!this.client;
  }

  /**
   * True when Redis is configured, both connections are up (pub/sub subscribed) and every message published has
   * gone out. After a failed publish this instance's Redis is not trusted (it may be missing others' messages
   * too) until the unsent messages have been sent.
   */
  get healthy(): boolean {
    return !!this.client && this.client.status === 'ready' && this.subscribed && !this.unsent.length;
  }

  private noteDown(err: Error): void {
    if (!this.wasDown) this.logger.warn(`Redis unavailable: ${err.message}; failing open until it returns`);
    this.wasDown = true;
  }

  private async resubscribe(): Promise<void> {
    if (!this.subscriber) return;
    const channels = [...this.handlers.keys()];
    try {
      if (channels.length) await this.subscriber.subscribe(...channels);
      this.subscribed = true;
      if (this.wasDown) this.logger.log('Redis is back');
      this.wasDown = false;
      // Messages may have been missed while down: listeners drop what they cached.
      for (const l of this.reconnectListeners) l();
    } catch (err) {
      this.noteDown(err as Error);
    }
  }

  async subscribe(channel: string, handler: Handler): Promise<void> {
    if (!this.subscriber) return;
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      if (this.subscriber.status === 'ready')
        await this.subscriber
          .subscribe(channel)
          .then(() => (this.subscribed = true))
          .catch((e) => this.noteDown(e));
    }
    set.add(handler);
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.add(listener);
  }

  /**
   * Publishes; never throws. A message Redis refuses is kept and sent again (in order, every RESEND_EVERY_MS and
   * before the next publish) until Redis takes it; meanwhile `healthy` is false, so this instance's caches read the
   * database.
   */
  async publish(channel: string, message: string): Promise<void> {
    if (!this.client) return;
    // After the ones still waiting: sent first when Redis takes them now, else this one waits with them.
    if (this.unsent.length && !(await this.resendUnsent())) return this.keepUnsent(channel, message);
    try {
      await this.client.publish(channel, message);
    } catch (err) {
      this.noteDown(err as Error);
      this.keepUnsent(channel, message);
    }
  }

  private keepUnsent(channel: string, message: string): void {
    if (this.unsent.length >= MAX_UNSENT) {
      this.unsent.shift();
      if (!this.droppingUnsent)
        this.logger.warn(`more than ${MAX_UNSENT} messages wait for Redis; the oldest are dropped until it returns`);
      this.droppingUnsent = true;
    }
    this.unsent.push([channel, message]);
    this.resendTimer ??= setInterval(() => void this.resendUnsent(), RESEND_EVERY_MS).unref();
  }

  /** Sends the messages Redis refused, oldest first; true when none is left. One run at a time. */
  resendUnsent(): Promise<boolean> {
    this.resending ??= this.resend().finally(() => (this.resending = undefined));
    return this.resending;
  }

  private async resend(): Promise<boolean> {
    if (!this.client) return true;
    try {
      while (this.unsent.length) {
        const [channel, message] = this.unsent[0];
        await this.client.publish(channel, message);
        this.unsent.shift();
      }
    } catch {
      return false;
    }
    clearInterval(this.resendTimer);
    this.resendTimer = undefined;
    this.droppingUnsent = false;
    this.logger.log('Redis takes messages again: the unsent ones went out');
    // What this instance cached meanwhile may have missed other instances' messages.
    for (const l of this.reconnectListeners) l();
    return true;
  }

  async ping(): Promise<boolean> {
    if (!this.client) return false;
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.resendTimer);
    this.client?.disconnect(false);
    this.subscriber?.disconnect(false);
  }
}
