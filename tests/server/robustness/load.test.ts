import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../bench/load.js';

/** The short version of bench/load.ts: correctness only (no lost or duplicated segment, no 5xx), no timing. */
describe('concurrent coders on the real server', () => {
  it('loses, duplicates and fails nothing with 5 coders for 5 s', async () => {
    const result = await runLoad({ coders: 5, seconds: 5 });
    expect(result.acknowledged).toBeGreaterThan(0);
    expect(result.serverErrors).toBe(0);
    expect(result.otherStatuses).toEqual({});
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.stored).toBe(result.acknowledged);
  }, 60_000);
});
