// The first use of Intl in a page loads the browser's locale data: 20–120 ms of main thread here
// (Chromium, profiled in an agent's join). The console formats its times and numbers with Intl
// before the replica's first paint, so the standalone page pays that early, while it waits for
// the network (the link's snapshot, console.js), instead of between the snapshot and the replica.
export function warmIntl(): void {
  try {
    Intl.DateTimeFormat.supportedLocalesOf([...navigator.languages]);
    new Intl.DateTimeFormat(navigator.language, { timeStyle: 'medium' }).format(0);
    new Intl.NumberFormat(navigator.language, { style: 'percent' }).format(0);
  } catch {
    // Only a warm-up: the console reports nothing of it.
  }
}
