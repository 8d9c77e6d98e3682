import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { sqliteDatabase } from './atomic-writes';

/** How often the WAL is copied back into the database file while the service runs. */
const CHECKPOINT_EVERY_MS = 1000;
/** SQLite's own default: a commit that finds the WAL this many pages long checkpoints it itself. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/** What one checkpoint reported (SQLite's `PRAGMA wal_checkpoint`): WAL frames, and how many are in the file. */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

/*
 * The worker's code, run with its own connection. Hand-written: no library moves SQLite's checkpoint off the
 * committing connection. PASSIVE copies what no reader still needs and never waits for a lock, so the service's
 * reads and writes go on meanwhile.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Keeps SQLite's checkpoints off the request path. By default the commit that finds the write-ahead log past 1,000
 * pages copies it back into the database file (and syncs it) before it returns — milliseconds during which the
 * event loop serves nobody, paid by whichever request committed then. While the HTTP service runs, its connection
 * checkpoints no more by itself and a worker thread does it every second instead. Should the worker fail, the
 * connection checkpoints by itself again. CLI commands and in-memory databases keep SQLite's default.
 */
@Injectable()
export class SqliteCheckpointer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SqliteCheckpointer.name);
  private worker?: Worker;
  /** The latest checkpoint's report (tests read it). */
  last?: CheckpointResult;

  constructor(
    private readonly dataSource: DataSource,
    private readonly http: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    if (this.dataSource.options.type !== 'better-sqlite3' || !this.http.httpAdapter) return;
    const connection = sqliteDatabase(this.dataSource);
    if (connection.memory) return;
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file: connection.name, everyMs: CHECKPOINT_EVERY_MS },
    });
    worker.unref();
    worker.on('message', (result: CheckpointResult) => (this.last = result));
    // A failed worker exits next: the exit puts the checkpoints back on the connection.
    worker.on('error', (err) =>
      this.logger.error(`WAL checkpoints are back on the connection: the checkpoint worker failed (${err.message})`),
    );
    worker.on('exit', () => {
      if (this.worker === worker) this.selfCheckpoints(true);
      this.worker = undefined;
    });
    this.worker = worker;
    this.selfCheckpoints(false);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.selfCheckpoints(true);
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    await exited;
  }

  private selfCheckpoints(on: boolean): void {
    if (!this.dataSource.isInitialized) return;
    sqliteDatabase(this.dataSource).pragma(`wal_autocheckpoint = ${on ? SQLITE_AUTOCHECKPOINT_PAGES : 0}`);
  }
}
