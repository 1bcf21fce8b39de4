"""The errors the client raises; all derive from TandemError so callers can tell them from their own."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional

import requests


class TandemError(Exception):
    """Base of every error this client raises."""


class TandemApiError(TandemError):
    """The server answered with an application/problem+json document.

    `code` is the stable machine code to branch on (e.g. "conversation_not_found"); `status` the
    HTTP status; `request_id` the id to quote to the operator; `problem` the whole document with
    its extensions (`errors` for validation_failed, `requiredScope`, ...).
    """

    def __init__(self, problem: Mapping[str, Any], retry_after: Optional[float] = None) -> None:
        self.problem: Dict[str, Any] = dict(problem)
        self.code: str = str(problem.get("code", "internal_error"))
        self.status: int = int(problem.get("status", 500))
        self.title: str = str(problem.get("title", ""))
        self.detail: str = str(problem.get("detail", ""))
        self.request_id: Optional[str] = problem.get("requestId")
        self.retry_after = retry_after
        super().__init__(f"{self.code} ({self.status}): {self.detail or self.title}" + (f" [{self.request_id}]" if self.request_id else ""))


class TandemConnectionError(TandemError):
    """The request may not have reached the server: refused, reset, timed out."""


class TandemTimeoutError(TandemError):
    """wait_for gave up: no matching event arrived in time."""


class WebhookVerificationError(TandemError):
    """A webhook delivery whose signature or timestamp does not check out: answer 400 and drop it."""


# For answers without a Tandem problem document (a proxy's HTML page): a generic code per status.
_FALLBACK_CODES = {404: "route_not_found", 405: "method_not_allowed", 413: "body_too_large",
                   415: "unsupported_media_type", 429: "rate_limited", 503: "not_ready"}


def error_from_response(response: requests.Response) -> TandemApiError:
    """The one place an error response becomes an exception."""
    retry_after = _retry_after(response.headers.get("retry-after"))
    request_id = response.headers.get("x-request-id")
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("code"), str) and isinstance(body.get("status"), int):
        return TandemApiError({**body, "requestId": body.get("requestId") or request_id}, retry_after)
    code = _FALLBACK_CODES.get(response.status_code, "internal_error")
    return TandemApiError({"type": "about:blank", "code": code, "status": response.status_code,
                           "title": f"Unexpected {response.status_code} response",
                           "detail": response.text[:500], "requestId": request_id}, retry_after)


def _retry_after(value: Optional[str]) -> Optional[float]:
    """Retry-After is delay-seconds or an HTTP-date (RFC 9110 section 10.2.3); both become seconds."""
    if not value or not value.strip():
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (at - datetime.now(timezone.utc)).total_seconds())
