// A shared session survives a reload or a navigation within the site, in the same tab only
// (sessionStorage is per tab), and only for a short while after the last page left.
import { platform } from '../pristine-platform.ts';
const KEY = 'tandem.session';
const WINDOW_MS = 2 * 60 * 1000;

export interface StoredSession {
  sessionId: string;
  captureToken: string;
  agentName: string;
  companyName: string;
  phrase: string;
  savedAt: number;
}

export function loadSession(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as StoredSession;
    if (typeof s.captureToken !== 'string' || Date.now() - s.savedAt > WINDOW_MS) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return s;
  } catch {
    return null;
  }
}

export function saveSession(s: Omit<StoredSession, 'savedAt'>): void {
  try {
    sessionStorage.setItem(KEY, platform.stringify({ ...s, savedAt: Date.now() }));
  } catch {
    // Storage disabled: sharing works, it just does not survive a reload.
  }
}

export function clearSession(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored then
  }
}
