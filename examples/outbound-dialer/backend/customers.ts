// The dialer's call list. Fixed, so the story is the same on every machine: Sam Rivera is the
// customer who has an account on the demo shop (and the phone the SMS arrives on).

export interface DemoCustomer {
  /** The id the company's systems use: the conversation's customer.id and the identity token's `sub`. */
  id: string;
  name: string;
  /** E.164, as Tandem stores it. */
  phone: string;
  email: string;
  /** Why the agent is calling: shown in the call list. */
  reason: string;
  /** The shop page the SMS link opens. */
  landingPath: string;
}

export const CUSTOMERS: readonly DemoCustomer[] = [
  {
    id: 'cust-1042',
    name: 'Sam Rivera',
    phone: '+14155550123',
    email: 'sam.rivera@example.com',
    reason: 'Card declined twice at checkout',
    landingPath: '/checkout',
  },
  {
    id: 'cust-2087',
    name: 'Priya Natarajan',
    phone: '+14155550187',
    email: 'priya.n@example.com',
    reason: 'Asked for help choosing a tent',
    landingPath: '/product/summit-2p-tent',
  },
  {
    id: 'cust-3310',
    name: 'Marcus Chen',
    phone: '+14155550142',
    email: 'marcus.chen@example.com',
    reason: 'Return label never arrived',
    landingPath: '/help',
  },
];

/** The customer who signs in on the demo shop. */
export const SHOP_CUSTOMER: DemoCustomer = CUSTOMERS[0]!;

/** The agent at the desk. */
export const AGENT = { id: 'agent-dana', name: 'Dana' } as const;

export function customerById(id: string): DemoCustomer | undefined {
  return CUSTOMERS.find((c) => c.id === id);
}
