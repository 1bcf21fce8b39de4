// Type-level test, checked by `npx tsc -p tsconfig.json --noEmit` (part of npm test), never run:
// each event's `data` is typed by its `type`, so no cast is needed to read a payload field, and
// reading a field another type has is a compile error (the @ts-expect-error lines).
import type { EventType, TandemClient, TandemEvent } from '../src/index.ts';

export async function waitForNarrowsByType(tandem: TandemClient): Promise<void> {
  const ended = await tandem.waitFor('session.ended', { conversationId: 'call-1', timeoutMs: 1000 });
  const reason: 'call_ended' | 'customer_stopped' | 'agent_ended' | 'api_ended' | 'customer_left' = ended.data.reason;
  // @ts-expect-error session.ended has no `channel`
  void ended.data.channel;
  // @ts-expect-error the reason is one of the documented values, not any string
  const wrong: 'hung_up' = ended.data.reason;

  const started = await tandem.waitFor('session.started', { conversationId: 'call-1', timeoutMs: 1000 });
  const who: string | null = started.data.customerId;
  const agent: string = started.data.agentName;
  // @ts-expect-error session.started has no `reason`
  void started.data.reason;
  void [reason, wrong, who, agent];
}

export async function streamNarrowsByTypeCheck(tandem: TandemClient): Promise<void> {
  for await (const event of tandem.events.stream({ conversationId: 'call-1' })) {
    // @ts-expect-error without a type check, `data` is any of the payloads
    void event.data.reason;
    if (event.type === 'session.ended') {
      const reason: string = event.data.reason;
      void reason;
    } else if (event.type === 'invite.delivered') {
      const channel: 'push' | 'sms' | 'code' = event.data.channel;
      void channel;
    } else if (event.type === 'conversation.updated') {
      const state: 'dialing' | 'connected' | 'disconnected' = event.data.state;
      void state;
    }
    break;
  }
}

export async function streamOfAskedForTypes(tandem: TandemClient): Promise<void> {
  for await (const event of tandem.events.stream({ types: ['session.started', 'session.ended'] })) {
    const type: 'session.started' | 'session.ended' = event.type;
    // @ts-expect-error only the asked-for types arrive
    const other: 'invite.created' = event.type;
    void [type, other];
    break;
  }
}

export function eventOfOneType(event: TandemEvent<'invite.link_refused'>, anyType: EventType): void {
  const reason: 'opened_on_another_page' | 'signed_in_as_another_customer' = event.data.reason;
  const visitor: string = event.data.visitorId;
  // @ts-expect-error a payload field must exist on that type
  void event.data.expiresAt;
  void [reason, visitor, anyType];
}
