/**
 * A token bucket in bytes: `burstBytes` may arrive at once, then `bytesPerSecond` on average.
 * Time is passed in so the relay's limits are tested without clocks.
 */
export class ByteBudget {
  private available: number;
  private last: number;

  constructor(private readonly bytesPerSecond: number, private readonly burstBytes: number, now: number) {
    this.available = burstBytes;
    this.last = now;
  }

  /** Spends `bytes`; false (and nothing spent) when the budget does not hold them. */
  take(bytes: number, now: number): boolean {
    // A wall clock stepped back refills nothing rather than taking budget away.
    this.available = Math.min(this.burstBytes, this.available + (Math.max(0, now - this.last) / 1000) * this.bytesPerSecond);
    this.last = Math.max(this.last, now);
    if (bytes > this.available) return false;
    this.available -= bytes;
    return true;
  }
}
