// Baseline, page side: plain rrweb record (its default options) streaming every event as JSON
// text to the bare relay. No Tandem code. A {"type":"snapshot"} from the relay takes a new
// full snapshot (a viewer joined).
import { record } from 'rrweb';

declare global {
  interface Window {
    __benchRelay: string;
  }
}

const ws = new WebSocket(`${window.__benchRelay}/record`);
const pending: string[] = [];
ws.addEventListener('open', () => {
  for (const m of pending.splice(0)) ws.send(m);
});
ws.addEventListener('message', (e) => {
  if (String(e.data).includes('"snapshot"')) record.takeFullSnapshot(true);
});
record({
  emit(event) {
    const text = JSON.stringify(event);
    if (ws.readyState === WebSocket.OPEN) ws.send(text);
    else pending.push(text);
  },
});
