// The customer's handset: the texts Tandem "sent" to one number, newest at the bottom. Links
// open in a new tab, as tapping one on a phone opens the browser.

interface Customer { id: string; name: string; phone: string }
interface SmsMessage { id: string; to: string; body: string; createdAt: string }

const $ = (id: string): HTMLElement => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`phone markup has no #${id}`);
  return el;
};

const prettyPhone = (e164: string) => {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `+1 (${m[1]}) ${m[2]}-${m[3]}` : e164;
};

const seen = new Set<string>();
let first = true;

/** The text with each URL as a link; everything else stays text (never HTML). */
function linkified(body: string): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const match of body.matchAll(/https?:\/\/[^\s)]+/g)) {
    nodes.push(document.createTextNode(body.slice(last, match.index)));
    const a = document.createElement('a');
    a.href = match[0];
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = match[0];
    a.className = 'sms-link';
    nodes.push(a);
    last = match.index + match[0].length;
  }
  nodes.push(document.createTextNode(body.slice(last)));
  return nodes;
}

function render(messages: SmsMessage[]): void {
  const thread = $('thread');
  $('empty').hidden = messages.length > 0;
  const ordered = [...messages].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  let fresh: SmsMessage | null = null;
  for (const m of ordered) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    if (!first) fresh = m;
    const time = document.createElement('time');
    time.textContent = new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const bubble = document.createElement('p');
    bubble.className = 'bubble';
    bubble.append(...linkified(m.body));
    const item = document.createElement('li');
    item.dataset['id'] = m.id;
    item.append(time, bubble);
    thread.append(item);
  }
  first = false;
  thread.scrollTop = thread.scrollHeight;
  if (fresh) {
    $('toast-text').textContent = fresh.body.length > 70 ? `${fresh.body.slice(0, 70)}…` : fresh.body;
    $('toast').hidden = false;
    setTimeout(() => ($('toast').hidden = true), 4000);
  }
}

async function poll(to: string): Promise<void> {
  try {
    const res = await fetch(`/api/phone/messages?to=${encodeURIComponent(to)}`);
    if (res.ok) render(((await res.json()) as { data: SmsMessage[] }).data);
  } catch {
    // The next poll tries again.
  }
  setTimeout(() => void poll(to), 1500);
}

async function start(): Promise<void> {
  const customers = ((await (await fetch('/api/customers')).json()) as { data: Customer[] }).data;
  const to = new URLSearchParams(location.search).get('to') ?? customers[0]?.phone ?? '';
  const owner = customers.find((c) => c.phone === to);
  $('owner').textContent = owner?.name ?? 'Customer';
  $('number').textContent = prettyPhone(to);
  document.title = `${owner?.name ?? 'Customer'}'s phone · Tandem demo`;
  $('switch').replaceChildren(...customers.map((c) => {
    const a = document.createElement('a');
    a.href = `/phone?to=${encodeURIComponent(c.phone)}`;
    a.textContent = c.name;
    if (c.phone === to) a.setAttribute('aria-current', 'page');
    return a;
  }));
  const tick = () => ($('clock').textContent = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }));
  tick();
  setInterval(tick, 10_000);
  await poll(to);
}

void start();
