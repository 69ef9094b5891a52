import { afterEach, describe, expect, it } from 'vitest';
import { LoopShare } from '../../src/bulk/loop-share.js';

/**
 * Bulk calls wait while this replica's event loop is busier than their share (interactive requests first),
 * and go when it has room; a loop busy for longer than a call's longest wait still lets it go.
 */

/** Keeps the event loop busy `busyMs` of every 50 ms until stopped, as a burst of requests would. */
function keepLoopBusy(busyMs: number) {
  const timer = setInterval(() => {
    const until = performance.now() + busyMs;
    while (performance.now() < until);
  }, 50);
  return { stop: () => clearInterval(timer) };
}

const nextTick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('LoopShare', () => {
  const shares: LoopShare[] = [];
  const share = (value: number) => {
    const created = new LoopShare(value);
    shares.push(created);
    return created;
  };
  afterEach(() => shares.splice(0).forEach((s) => s.close()));

  it('lets a call go at once while the loop is idle', async () => {
    const gate = share(0.5);
    await new Promise((resolve) => setTimeout(resolve, 120));
    let passed = false;
    void gate.turn().then(() => (passed = true));
    await nextTick();
    await nextTick();
    expect(passed).toBe(true);
  });

  it('holds a call while the loop is busier than the share, and lets it go once the loop has room', async () => {
    const gate = share(0.5);
    const busy = keepLoopBusy(45);
    await new Promise((resolve) => setTimeout(resolve, 150));
    let passedAt: number | undefined;
    const turn = gate.turn().then(() => (passedAt = performance.now()));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(passedAt).toBeUndefined();
    busy.stop();
    const stoppedAt = performance.now();
    await turn;
    expect(passedAt).toBeGreaterThanOrEqual(stoppedAt);
  });

  it('a whole loop (share 1) never holds a call', async () => {
    const gate = share(1);
    const busy = keepLoopBusy(45);
    await new Promise((resolve) => setTimeout(resolve, 150));
    let passed = false;
    void gate.turn().then(() => (passed = true));
    await nextTick();
    busy.stop();
    expect(passed).toBe(true);
  });
});
