import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/** Background work waits no longer than this for a gap: under sustained load there is none. */
const MAX_WAIT_MS = 20;

/**
 * The requests this process is answering now, so that background work (webhook deliveries) can take the gaps
 * between them. The requests and the work share one event loop: a piece of work that starts while a request is
 * under way delays its answer by as long as the piece runs.
 */
@Injectable()
export class RequestGaps {
  private open = 0;
  private readonly closed = () => void this.open--;

  /** Counts a request until its response closes: sent, or the client went away (exactly once either way). */
  track(response: { once(event: 'close', listener: () => void): unknown }): void {
    this.open++;
    response.once('close', this.closed);
  }

  /** How many requests are under way. */
  get inFlight(): number {
    return this.open;
  }

  /**
   * Resolves at a turn of the event loop with no request under way (true), or after `maxWaitMs` at the latest
   * (false: the load is sustained, and waiting again would only starve the work).
   */
  async gap(maxWaitMs = MAX_WAIT_MS): Promise<boolean> {
    const deadline = performance.now() + maxWaitMs;
    await nextTurn();
    while (this.open > 0) {
      if (performance.now() >= deadline) return false;
      await sleep(1);
    }
    return true;
  }
}
