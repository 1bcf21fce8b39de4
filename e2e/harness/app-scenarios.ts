// How a customer uses each fixture app: the steps the fidelity suite replays and, after each,
// compares page and replica text.
import type { Page } from 'playwright-core';

export interface ScenarioStep {
  label: string;
  run(page: Page): Promise<void>;
}

export interface AppScenario {
  name: string;
  path: string;
  // text that proves the app (not only the static page around it) has rendered
  renderedText: string;
  steps: ScenarioStep[];
}

async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).click();
  await page.keyboard.type(text);
}

export const appScenarios: AppScenario[] = [
  {
    name: 'react-orders',
    path: '/fixtures/apps/react-orders/index.html',
    renderedText: 'Walnut desk',
    steps: [
      { label: 'show more orders', run: (p) => p.locator('#more').click() },
      { label: 'type a search', run: (p) => typeInto(p, '#search', 'desk') },
      { label: 'open Messages tab', run: (p) => p.locator('#tab-messages').click() },
      { label: 'messages loaded', run: (p) => p.getByText('Rate your chair').waitFor() },
      { label: 'open Profile and save', run: async (p) => { await p.locator('#tab-profile').click(); await p.locator('#save').click(); } },
      { label: 'back to Orders', run: (p) => p.locator('#tab-orders').click() },
    ],
  },
  {
    name: 'vue-booking',
    path: '/fixtures/apps/vue-booking/index.html',
    renderedText: 'Find a room',
    steps: [
      { label: 'type guest name', run: (p) => typeInto(p, '#guest', 'Sam Lee') },
      { label: 'more nights', run: async (p) => { await p.locator('#more-nights').click(); await p.locator('#more-nights').click(); } },
      { label: 'search rooms', run: async (p) => { await p.locator('#search').click(); await p.getByText('Harbour view double', { exact: true }).waitFor(); } },
      { label: 'open Bookings tab', run: async (p) => { await p.locator('#tab-bookings').click(); await p.getByText('3 Jun – Garden twin').waitFor(); } },
      { label: 'open Help and a question', run: async (p) => { await p.locator('#tab-help').click(); await p.locator('#faq-1').click(); } },
    ],
  },
  {
    name: 'lit-support',
    path: '/fixtures/apps/lit-support/index.html',
    renderedText: 'Refund not received',
    steps: [
      { label: 'filter tickets', run: (p) => typeInto(p, '#filter', 'address') },
      { label: 'open Chat tab', run: async (p) => { await p.locator('#tab-chat').click(); await p.getByText('How can I help?').waitFor(); } },
      { label: 'ask in chat', run: (p) => p.locator('#ask').click() },
      { label: 'open Account and wave', run: async (p) => { await p.locator('#tab-account').click(); await p.locator('#wave').click(); } },
      { label: 'back to Tickets', run: (p) => p.locator('#tab-tickets').click() },
    ],
  },
];
