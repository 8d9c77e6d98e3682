import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { DomainEvent, UnitOfWork } from './unit-of-work';

describe('UnitOfWork', () => {
  let dataSource: DataSource;
  let emitter: EventEmitter2;
  let sut: UnitOfWork;
  const emitted: DomainEvent[] = [];

  beforeEach(async () => {
    dataSource = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    await dataSource.query('CREATE TABLE things (id TEXT PRIMARY KEY)');
    await dataSource.query('CREATE TABLE outbox (event TEXT NOT NULL, thing TEXT NOT NULL)');
    emitter = new EventEmitter2();
    emitted.length = 0;
    emitter.on('thing.created', (payload: Record<string, unknown>) => emitted.push({ name: 'thing.created', payload }));
    sut = new UnitOfWork(dataSource, emitter);
    sut.onEventInTransaction('thing.created', function* (event, unit) {
      yield* unit.write({
        sql: 'INSERT INTO outbox (event, thing) VALUES (:event, :thing)',
        params: { event: event.name, thing: event.payload.id },
      });
    });
  });
  afterEach(() => dataSource.destroy());

  const create = (id: string, fail = false) =>
    sut.run(function* (unit) {
      yield* unit.write({ sql: 'INSERT INTO things (id) VALUES (:id)', params: { id } });
      yield* unit.publish({ name: 'thing.created', payload: { id } });
      if (fail) throw new Error('rolled back');
      return id;
    });

  it('writes the outbox row with the change and emits the event after the commit', async () => {
    await expect(create('a')).resolves.toBe('a');
    expect(await dataSource.query('SELECT event, thing FROM outbox')).toEqual([{ event: 'thing.created', thing: 'a' }]);
    expect(emitted).toEqual([{ name: 'thing.created', payload: { id: 'a' } }]);
  });

  it('records and emits nothing for a change that rolled back', async () => {
    await expect(create('b', true)).rejects.toThrow('rolled back');
    expect(await dataSource.query('SELECT * FROM things')).toEqual([]);
    expect(await dataSource.query('SELECT * FROM outbox')).toEqual([]);
    expect(emitted).toEqual([]);
  });

  it('rolls the change back when an outbox write fails', async () => {
    await dataSource.query('DROP TABLE outbox');
    await expect(create('c')).rejects.toThrow();
    expect(await dataSource.query('SELECT * FROM things')).toEqual([]);
    expect(emitted).toEqual([]);
  });

  it('publishes an already committed change: outbox row, then the event', async () => {
    await sut.publish({ name: 'thing.created', payload: { id: 'd' } });
    expect(await dataSource.query('SELECT thing FROM outbox')).toEqual([{ thing: 'd' }]);
    expect(emitted).toHaveLength(1);
  });
});
