/**
 * The relay's messages between nodes, on Redis pub/sub as binary: a kind byte, the sending node,
 * the session, then the payload untouched (a page frame exactly as the page sent it, or JSON).
 */
export const RELAY_KIND = {
  /** Mirror → owner: this node has agents of the session and needs its stream from the start. */
  JOIN: 1,
  /** Mirror → owner: this node's agents of the session are gone. */
  LEAVE: 2,
  /** Mirror → owner: how many agents this node has (payload: the number as text). */
  PRESENCE: 3,
  /** Mirror → owner: an agent here saw a gap its node's cache cannot fill (payload: the reason). */
  RESYNC: 4,
  /** Mirror → owner: a message for the page (pointer, highlight, control), JSON. */
  TO_PAGE: 5,
  /** Owner → every node of the session: this node holds the page now. */
  OWNER: 6,
  /** Owner → one node: a page frame, byte for byte. */
  FRAME: 7,
  /** Owner → one node: a message for its agents (link state, control results), JSON. */
  TO_AGENTS: 8,
  /** Owner → one node: it was dropped (too far behind, or silent too long) and should join again. */
  DROP: 9,
  /** Every node, every second on the beat channel: still alive. */
  BEAT: 10,
} as const;
export type RelayKind = (typeof RELAY_KIND)[keyof typeof RELAY_KIND];

export interface RelayEnvelope {
  kind: RelayKind;
  from: string;
  sessionId: string;
  /** A view into the received message; copy it before keeping it. */
  payload: Buffer;
}

const KINDS = new Set<number>(Object.values(RELAY_KIND));

/** The channels: per session one to its owner and one from it, per node one for what is sent to it alone. */
export const relayChannels = {
  up: (sessionId: string) => `tandem:relay:up:${sessionId}`,
  down: (sessionId: string) => `tandem:relay:down:${sessionId}`,
  node: (nodeId: string) => `tandem:relay:node:${nodeId}`,
  beat: 'tandem:relay:beat',
};

export function encodeEnvelope(kind: RelayKind, from: string, sessionId: string, payload: Uint8Array | string = ''): Buffer {
  const f = Buffer.from(from, 'latin1');
  const s = Buffer.from(sessionId, 'latin1');
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const out = Buffer.allocUnsafe(3 + f.length + s.length + body.byteLength);
  out[0] = kind;
  out[1] = f.length;
  f.copy(out, 2);
  out[2 + f.length] = s.length;
  s.copy(out, 3 + f.length);
  out.set(body, 3 + f.length + s.length);
  return out;
}

/** Null for anything that is not a well-formed envelope (another program on the same channel). */
export function decodeEnvelope(raw: Buffer): RelayEnvelope | null {
  if (raw.length < 3 || !KINDS.has(raw[0]!)) return null;
  const fLen = raw[1]!;
  if (raw.length < 3 + fLen) return null;
  const sLen = raw[2 + fLen]!;
  const start = 3 + fLen + sLen;
  if (raw.length < start) return null;
  return {
    kind: raw[0] as RelayKind,
    from: raw.toString('latin1', 2, 2 + fLen),
    sessionId: raw.toString('latin1', 3 + fLen, start),
    payload: raw.subarray(start),
  };
}
