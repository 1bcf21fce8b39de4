"""Verifies webhook deliveries on the receiver side, per Standard Webhooks 1.0.

Tandem signs each delivery with the webhook's secret `whsec_<base64 key>`: the header
`webhook-signature` holds `v1,<base64 HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>`
(space-separated when several keys are valid during a rotation).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Any, Callable, Mapping, Optional, Union

from .errors import WebhookVerificationError
from .models import Event

DEFAULT_TOLERANCE_SECONDS = 300


class WebhookVerifier:
    """`verify(headers, body)` returns the event of a genuine delivery or raises WebhookVerificationError.

    The event is the body's `data`; its `id` equals the `webhook-id` header, stable across retries,
    so a receiver that saw it before can skip it.

    Pass the body exactly as received (bytes), before any JSON parsing: a re-serialised body has
    different bytes and fails. Deliveries whose timestamp is more than `tolerance` seconds away
    from now are refused, so a captured delivery cannot be replayed later.
    """

    def __init__(self, secret: str, tolerance: float = DEFAULT_TOLERANCE_SECONDS, clock: Callable[[], float] = time.time) -> None:
        encoded = secret[len("whsec_"):] if secret.startswith("whsec_") else secret
        try:
            self._key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError("the webhook secret must be whsec_ followed by base64, as POST /v1/webhooks returned it") from error
        self._tolerance = tolerance
        self._clock = clock

    def sign(self, webhook_id: str, timestamp: int, body: Union[bytes, str]) -> str:
        """The `webhook-signature` value for a delivery: for tests and for re-signing in proxies."""
        payload = body.encode("utf-8") if isinstance(body, str) else body
        mac = hmac.new(self._key, f"{webhook_id}.{timestamp}.".encode("utf-8") + payload, hashlib.sha256)
        return "v1," + base64.b64encode(mac.digest()).decode("ascii")

    def verify(self, headers: Mapping[str, str], body: Union[bytes, str]) -> Event:
        webhook_id = _header(headers, "webhook-id")
        timestamp_text = _header(headers, "webhook-timestamp")
        signatures = _header(headers, "webhook-signature")
        try:
            timestamp = int(timestamp_text)
        except ValueError:
            raise WebhookVerificationError(f"webhook-timestamp is not a number of seconds: {timestamp_text!r}") from None
        now = self._clock()
        if abs(now - timestamp) > self._tolerance:
            raise WebhookVerificationError(f"webhook-timestamp {timestamp} is more than {self._tolerance:g} s from now ({int(now)}): "
                                           "a replay, or this machine's clock is wrong")
        expected = self.sign(webhook_id, timestamp, body).split(",", 1)[1]
        # Compare against every v1 signature in constant time: a rotation may send two.
        valid = False
        for candidate in signatures.split(" "):
            version, _, value = candidate.partition(",")
            if version == "v1" and hmac.compare_digest(value.encode("ascii", "replace"), expected.encode("ascii")):
                valid = True
        if not valid:
            raise WebhookVerificationError("no webhook-signature matches the body: wrong secret, or the body was changed")
        # The body is {"type", "timestamp", "data": <the event>}, the Standard Webhooks envelope.
        envelope: Any = json.loads(body)
        if not isinstance(envelope, dict) or not isinstance(envelope.get("data"), dict):
            raise WebhookVerificationError("the delivery body is not a Tandem event envelope {type, timestamp, data}")
        return Event.from_json(envelope["data"])


def _header(headers: Mapping[str, str], name: str) -> str:
    value: Optional[str] = headers.get(name)
    if value is None:
        # Frameworks differ in the case they hand headers over in.
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    if not value:
        raise WebhookVerificationError(f"the {name} header is missing: is this a Standard Webhooks delivery?")
    return value
