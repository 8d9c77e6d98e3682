import { Global, Injectable, Logger, Module } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { atomically, Outcome, Steps, Unit } from './atomic-writes';

/** A fact about a change, named `<subject>.<verb>` (`user.suspended`); its payload carries ids, never a secret. */
export interface DomainEvent<P extends object = Record<string, unknown>> {
  readonly name: string;
  readonly payload: P;
}

type Prepared = [sql: string, params: unknown[]];

/**
 * Statements that must commit or roll back with the change an event describes (an outbox row). They run inside
 * the unit, so they are generators of statements like the unit's own steps.
 */
export type InTransactionWriter = (event: DomainEvent, unit: Unit) => Generator<Prepared, void, Outcome>;

/** The steps of a unit that return T (`yield*` them inside `UnitOfWork.run`, or compose them into another unit). */
export type UnitSteps<T> = Generator<Prepared, T, Outcome>;

/** Heard after the commit and awaited before the change's caller goes on (see {@link UnitOfWork.onCommitted}). */
export type CommitListener = (event: DomainEvent) => void | Promise<void>;

/** A unit whose steps can also publish domain events (`yield* unit.publish(event)`). */
export interface EventUnit extends Unit {
  publish(event: DomainEvent): Generator<Prepared, void, Outcome>;
}

/**
 * Runs a change as one all-or-nothing unit (see `atomically`) and publishes its domain events in two stages:
 * in-transaction writers (outboxes) add their statements to the same unit, so an event is never recorded for a
 * change that rolled back nor lost for one that committed; after the commit every event is emitted on the
 * application's EventEmitter2, where caches and the audit trail listen.
 */
@Injectable()
export class UnitOfWork {
  private readonly logger = new Logger(UnitOfWork.name);
  private readonly writers = new Map<string, InTransactionWriter[]>();
  private readonly committed: CommitListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly emitter: EventEmitter2,
  ) {}

  /** Registers a writer for an event name ('*' for every event); called once at module start-up. */
  onEventInTransaction(name: string, writer: InTransactionWriter): void {
    this.writers.set(name, [...(this.writers.get(name) ?? []), writer]);
  }

  /**
   * Registers a listener for every committed event that the change's caller must wait for: a cache that every
   * instance drops before the request that changed the row answers. A failing listener is logged; the change stays.
   */
  onCommitted(listener: CommitListener): void {
    this.committed.push(listener);
  }

  private async afterCommit(events: DomainEvent[]): Promise<void> {
    for (const event of events)
      for (const listener of this.committed)
        try {
          await listener(event);
        } catch (err) {
          this.logger.error(`commit listener failed for ${event.name}: ${(err as Error).message}`);
        }
    for (const event of events) this.emitter.emit(event.name, event.payload);
  }

  async run<T>(steps: (unit: EventUnit) => ReturnType<Steps<T>>): Promise<T> {
    const published: DomainEvent[] = [];
    const writersFor = (name: string) => [...(this.writers.get(name) ?? []), ...(this.writers.get('*') ?? [])];
    const result = await atomically(this.dataSource, function* (unit) {
      // Published events are kept per attempt: a unit that is retried starts with an empty list.
      published.length = 0;
      const eventUnit: EventUnit = {
        ...unit,
        *publish(event) {
          published.push(event);
          for (const writer of writersFor(event.name)) yield* writer(event, eventUnit);
        },
      };
      return yield* steps(eventUnit);
    });
    await this.afterCommit(published);
    return result;
  }

  /** Publishes events of a change that is already committed (nothing to write with it but the outbox rows). */
  async publish(...events: DomainEvent[]): Promise<void> {
    if (!events.some((e) => this.writers.has(e.name) || this.writers.has('*'))) {
      await this.afterCommit(events);
      return;
    }
    await this.run(function* (unit) {
      for (const event of events) yield* unit.publish(event);
    });
  }
}

/** The unit of work, for every module (the TypeORM DataSource and the event emitter are global). */
@Global()
@Module({ providers: [UnitOfWork], exports: [UnitOfWork] })
export class UnitOfWorkModule {}
