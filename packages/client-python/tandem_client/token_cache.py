"""Holds the access token and renews it shortly before it expires."""

from __future__ import annotations

import threading
import time
from typing import Callable, Optional, Tuple

# Renew this long before expiry so a token never expires between our check and the server's.
REFRESH_MARGIN_SECONDS = 30.0


class AccessTokenCache:
    """`fetch` returns (access_token, expires_in seconds). Thread-safe: concurrent callers share one fetch."""

    def __init__(self, fetch: Callable[[], Tuple[str, float]], clock: Callable[[], float] = time.monotonic) -> None:
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._token: Optional[str] = None
        self._refresh_at = 0.0
        self.fetches = 0

    def get(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._refresh_at:
                token, lifetime = self._fetch()
                self.fetches += 1
                # Tokens that live under a minute are renewed at half their life.
                margin = min(REFRESH_MARGIN_SECONDS, lifetime / 2)
                self._token, self._refresh_at = token, self._clock() + lifetime - margin
            return self._token

    def invalidate(self, token: str) -> None:
        """Drops `token` after the server refused it; a newer one another thread fetched is kept."""
        with self._lock:
            if self._token == token:
                self._token = None
