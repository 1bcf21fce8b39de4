// Page text versus replica text, word by word. A masked word must come back as asterisks of the
// same length (the agent sees that something is there, not what); anything else must be equal.
export interface TextComparison {
  same: boolean;
  // words that differ in a way masking does not explain, as "page -> replica"
  mismatches: string[];
  maskedWords: number;
}

export function compareMaskedText(pageText: string, replicaText: string): TextComparison {
  const pageWords = pageText.split(' ').filter(Boolean);
  const replicaWords = replicaText.split(' ').filter(Boolean);
  const mismatches: string[] = [];
  let maskedWords = 0;
  const length = Math.max(pageWords.length, replicaWords.length);
  for (let i = 0; i < length; i++) {
    const p = pageWords[i];
    const r = replicaWords[i];
    if (p === r) continue;
    if (p !== undefined && r !== undefined && /^\*+$/.test(r) && r.length === p.length) {
      maskedWords++;
      continue;
    }
    mismatches.push(`#${i}: ${p ?? '(none)'} -> ${r ?? '(none)'}`);
    if (mismatches.length >= 20) break;
  }
  return { same: mismatches.length === 0, mismatches, maskedWords };
}
