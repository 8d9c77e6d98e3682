import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { RequestGaps } from './request-gaps';

describe('RequestGaps', () => {
  it('counts a request until its response closes, once even if close were emitted twice', () => {
    const gaps = new RequestGaps();
    const res = new EventEmitter();
    gaps.track(res);
    gaps.track(new EventEmitter());
    expect(gaps.inFlight).toBe(2);
    res.emit('close');
    res.emit('close');
    expect(gaps.inFlight).toBe(1);
  });

  it('gap() waits while a request is under way and resolves soon after it closes', async () => {
    const gaps = new RequestGaps();
    const res = new EventEmitter();
    gaps.track(res);
    let resolved = false;
    const gap = gaps.gap(1000).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toBe(false);
    res.emit('close');
    await gap;
    expect(resolved).toBe(true);
  });

  it('gap() gives up waiting after maxWaitMs (no gap under sustained load)', async () => {
    const gaps = new RequestGaps();
    gaps.track(new EventEmitter());
    const started = performance.now();
    expect(await gaps.gap(30)).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('gap() with nothing under way resolves at the next turn', async () => {
    await expect(new RequestGaps().gap()).resolves.toBe(true);
  });
});
