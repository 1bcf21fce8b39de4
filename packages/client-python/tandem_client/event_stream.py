"""Follows GET /v1/events/stream across dropped connections, and waits for an event."""

from __future__ import annotations

import json
import logging
import random
import time
from typing import TYPE_CHECKING, Iterator, Optional, Sequence, Union

import requests

from .errors import TandemApiError, TandemConnectionError, TandemTimeoutError
from .models import Event
from .sse import SseMessage, parse_sse

if TYPE_CHECKING:
    from .client import TandemClient

log = logging.getLogger("tandem_client")

# The server sends a heartbeat comment every 15 s: this much silence means a dead connection.
DEFAULT_IDLE_TIMEOUT = 45.0
INITIAL_BACKOFF, MAX_BACKOFF = 0.5, 30.0
HISTORY_PAGE_SIZE = 100


def stream_events(client: "TandemClient", *, after: Optional[int] = None, conversation_id: Optional[str] = None,
                  types: Optional[Sequence[str]] = None, deadline: Optional[float] = None,
                  idle_timeout: float = DEFAULT_IDLE_TIMEOUT) -> Iterator[Event]:
    """Yields live events, each once and in order, until `deadline` (time.monotonic()) if given.

    A connection that drops, ends or goes silent for `idle_timeout` is reopened with backoff and
    `Last-Event-ID: <last seq yielded>`, so nothing that happened meanwhile is missed; an event at
    or below that seq is skipped should the server replay it. Errors the server would repeat
    (4xx other than 408 and 429) are raised. The deadline is checked between reads; a wait longer
    than `idle_timeout` ends at most one heartbeat (15 s) after it.
    """
    last_seq = after
    resuming = False
    failures = 0
    while deadline is None or time.monotonic() < deadline:
        read_timeout = idle_timeout if deadline is None else max(0.1, min(idle_timeout, deadline - time.monotonic()))
        params = {"conversationId": conversation_id, "types": ",".join(types) if types else None,
                  # A resumed connection says where it stands in the header, as EventSource does.
                  "after": None if resuming or last_seq is None else str(last_seq)}
        headers = {"last-event-id": str(last_seq)} if resuming and last_seq is not None else {}
        try:
            with client._open_stream(params, headers, read_timeout) as response:
                for item in parse_sse(response.iter_content(chunk_size=None)):
                    failures = 0
                    if isinstance(item, SseMessage):
                        event = Event.from_json(json.loads(item.data))
                        if last_seq is None or event.seq > last_seq:
                            last_seq = event.seq
                            yield event
                    if deadline is not None and time.monotonic() >= deadline:
                        return
            log.info("event stream ended by the server; reconnecting after event %s", last_seq)
        except TandemApiError as error:
            if error.status < 500 and error.status not in (408, 429):
                raise
            log.warning("event stream: %s; reconnecting after event %s", error, last_seq)
        except (TandemConnectionError, requests.RequestException) as error:
            if deadline is not None and time.monotonic() >= deadline:
                return
            log.warning("event stream dropped (%s); reconnecting after event %s", type(error).__name__, last_seq)
        resuming = True
        failures += 1
        backoff = min(MAX_BACKOFF, INITIAL_BACKOFF * 2 ** (failures - 1)) * (0.5 + random.random() / 2)
        if deadline is not None:
            backoff = min(backoff, max(0.0, deadline - time.monotonic()))
        time.sleep(backoff)


def wait_for(client: "TandemClient", types: Union[str, Sequence[str]], conversation_id: Optional[str] = None,
             timeout: float = 600.0, *, session_id: Optional[str] = None, invite_id: Optional[str] = None,
             after: Optional[int] = None) -> Event:
    """The first event of one of `types` that matches the filters, from history or the live stream.

    The event may have happened before this call (the customer answered while the invite was
    being logged), so the stored events after `after` (default: the start) are searched first,
    then the stream is followed from where that search ended. Raises TandemTimeoutError after
    `timeout` seconds.
    """
    wanted = [types] if isinstance(types, str) else list(types)
    deadline = time.monotonic() + timeout

    def matches(event: Event) -> bool:
        return (event.type in wanted and (conversation_id is None or event.conversation_id == conversation_id)
                and (session_id is None or event.session_id == session_id)
                and (invite_id is None or event.invite_id == invite_id))

    position = after or 0
    while True:
        page = client.list_events(after=position, conversation_id=conversation_id, types=wanted, limit=HISTORY_PAGE_SIZE)
        for event in page.data:
            if matches(event):
                return event
            position = event.seq
        if len(page.data) < HISTORY_PAGE_SIZE:
            break
    for event in stream_events(client, after=position, conversation_id=conversation_id, types=wanted, deadline=deadline):
        if matches(event):
            return event
    raise TandemTimeoutError(f"no {' or '.join(wanted)} event arrived within {timeout:g} s")
