"""A Server-Sent Events parser (the text/event-stream format of the WHATWG HTML standard)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Optional, Union


@dataclass(frozen=True)
class SseMessage:
    id: Optional[str]
    event: str
    data: str


@dataclass(frozen=True)
class SseComment:
    """A `:` line; the server sends one as a heartbeat, which tells the reader the connection lives."""
    text: str


def parse_sse(chunks: Iterable[bytes]) -> Iterator[Union[SseMessage, SseComment]]:
    """Yields messages (a blank line ends one) and comments from a byte stream, in order."""
    buffer = b""
    event_id: Optional[str] = None
    event_type, data = "message", []
    for chunk in chunks:
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for raw in lines:
            line = raw.rstrip(b"\r").decode("utf-8")
            if line == "":
                if data:
                    yield SseMessage(event_id, event_type, "\n".join(data))
                event_type, data = "message", []
            elif line.startswith(":"):
                yield SseComment(line[1:].strip())
            else:
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "id":
                    event_id = value
                elif field == "event":
                    event_type = value
                elif field == "data":
                    data.append(value)
