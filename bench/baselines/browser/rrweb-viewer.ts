// Baseline, agent side: rrweb's Replayer in live mode, as e2e/fixtures/browser/replica.ts sets it
// up (startLive() with no argument, useVirtualDom false), fed by the bare relay. No Tandem code.
import { Replayer } from 'rrweb';
import type { eventWithTime } from '@rrweb/types';

const relay = new URLSearchParams(location.search).get('relay')!;
const replayer = new Replayer([], { root: document.getElementById('replica')!, liveMode: true, useVirtualDom: false, mouseTail: false, UNSAFE_replayCanvas: false, showWarning: false });
replayer.startLive();
const ws = new WebSocket(`${relay}/view`);
ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'snapshot' })));
ws.addEventListener('message', (e) => replayer.addEvent(JSON.parse(String(e.data)) as eventWithTime));
