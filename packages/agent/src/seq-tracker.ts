// Decides, frame by frame, whether the replica can apply what arrived. Deltas patch the DOM the
// previous frames built; after a lost one they would patch a DOM the replica does not have, so
// they are skipped until a fresh snapshot arrives (asked for once, not once per skipped frame).

export type SeqVerdict =
  | 'apply'
  | 'skip'
  /** a delta is missing: ask for a snapshot (reason agent_gap) and skip until it comes */
  | 'request-gap'
  /** deltas but no snapshot since we connected: ask for one (reason agent_joined) */
  | 'request-join';

export class SeqTracker {
  private expected: number | null = null;
  private requested = false;

  /** A new connection: what came before says nothing about what the relay sends next. */
  reset(): void {
    this.expected = null;
    this.requested = false;
  }

  snapshot(seq: number): SeqVerdict {
    this.expected = (seq + 1) >>> 0;
    this.requested = false;
    return 'apply';
  }

  delta(seq: number): SeqVerdict {
    if (this.expected === null) {
      if (this.requested) return 'skip';
      this.requested = true;
      return 'request-join';
    }
    if (seq !== this.expected) {
      this.expected = null;
      this.requested = true;
      return 'request-gap';
    }
    this.expected = (seq + 1) >>> 0;
    return 'apply';
  }

  /** A sequenced frame that could not be read is as good as lost. */
  lost(): SeqVerdict {
    if (this.expected === null && this.requested) return 'skip';
    this.expected = null;
    this.requested = true;
    return 'request-gap';
  }
}
