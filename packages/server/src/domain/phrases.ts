import { randomInt } from 'node:crypto';

// Short, unambiguous words the customer can match against what the agent sees.
const ADJECTIVES = ['amber', 'brave', 'calm', 'coral', 'eager', 'gentle', 'golden', 'happy', 'jolly', 'lucky', 'mellow', 'noble', 'olive', 'proud', 'quiet',
  'rapid', 'silver', 'sunny', 'swift', 'tidy', 'vivid', 'warm', 'witty', 'young'];
const NOUNS = ['badger', 'canyon', 'comet', 'falcon', 'forest', 'harbor', 'island', 'lantern', 'maple', 'meadow', 'otter', 'pebble', 'pepper', 'piano', 'river',
  'rocket', 'saddle', 'tiger', 'tulip', 'violin', 'walnut', 'willow', 'zebra', 'anchor'];

/** A two-word phrase shown in both the consent prompt and the agent console. */
export function matchingPhrase(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]} ${NOUNS[randomInt(NOUNS.length)]}`;
}
