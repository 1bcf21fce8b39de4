// Baseline for the cost on the customer's page: plain rrweb record (its default options) and the
// least a consumer does with an event, JSON text; nothing is sent. No Tandem code.
import { record } from 'rrweb';

declare global {
  interface Window {
    __benchRecorded: number;
  }
}

window.__benchRecorded = 0;
record({
  emit(event) {
    window.__benchRecorded += JSON.stringify(event).length;
  },
});
