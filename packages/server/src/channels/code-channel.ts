import type { DirectChannel } from '../domain/delivery-channel.ts';

/** The agent reads the code aloud; the customer types it into the site. Always available. */
export const codeChannel: DirectChannel = {
  name: 'code',
  async canReach() {
    return true;
  },
  async deliver({ invite }) {
    return { state: 'sent', detail: `read code ${invite.code} to the customer` };
  },
};
