"""The Tandem API client: one authenticated requests.Session, typed results, problem errors."""

from __future__ import annotations

import uuid
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union
from urllib.parse import quote

import requests

from . import event_stream
from .errors import TandemConnectionError, error_from_response
from .models import Channel, Conversation, ConversationState, Event, EventPage, EventType, Invite, Session, Webhook
from .token_cache import AccessTokenCache

DEFAULT_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10.0


class TandemClient:
    """`TandemClient(base_url, client_id, client_secret)`; the token is fetched on first use and renewed before it expires."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, *, scopes: Optional[Sequence[str]] = None,
                 timeout: float = DEFAULT_TIMEOUT, session: Optional[requests.Session] = None) -> None:
        if not client_id or not client_secret:
            raise ValueError("TandemClient needs client_id and client_secret (TANDEM_CLIENT_ID / TANDEM_CLIENT_SECRET)")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"TandemClient: base_url must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._scopes = list(scopes or [])
        self._timeout = timeout
        self._http = session or requests.Session()
        self.tokens = AccessTokenCache(self._fetch_token)

    # ---- conversations
    def upsert_conversation(self, conversation_id: str, state: ConversationState, *, customer: Optional[Mapping[str, str]] = None,
                            agent: Optional[Mapping[str, str]] = None) -> Conversation:
        """Creates or updates the conversation; its id is the dialer's call id. state "disconnected" is the hang-up."""
        body: Dict[str, Any] = {"state": state}
        if customer is not None:
            body["customer"] = dict(customer)
        if agent is not None:
            body["agent"] = dict(agent)
        return Conversation.from_json(self._request("PUT", f"/v1/conversations/{_id(conversation_id)}", json_body=body))

    def get_conversation(self, conversation_id: str) -> Conversation:
        return Conversation.from_json(self._request("GET", f"/v1/conversations/{_id(conversation_id)}"))

    # ---- invites
    def create_invite(self, conversation_id: str, *, channels: Optional[Iterable[Channel]] = None, return_url: Optional[str] = None,
                      expires_in_seconds: Optional[int] = None, idempotency_key: Optional[str] = None) -> Invite:
        """Invites the customer of a connected call. A retry with the same `idempotency_key` returns
        the first invite instead of sending a second SMS; by default each call gets a new key."""
        body: Dict[str, Any] = {"conversationId": conversation_id}
        if channels is not None:
            body["channels"] = list(channels)
        if return_url is not None:
            body["returnUrl"] = return_url
        if expires_in_seconds is not None:
            body["expiresInSeconds"] = expires_in_seconds
        headers = {"idempotency-key": idempotency_key or str(uuid.uuid4())}
        return Invite.from_json(self._request("POST", "/v1/invites", json_body=body, headers=headers))

    def get_invite(self, invite_id: str) -> Invite:
        return Invite.from_json(self._request("GET", f"/v1/invites/{_id(invite_id)}"))

    def revoke_invite(self, invite_id: str) -> Invite:
        return Invite.from_json(self._request("DELETE", f"/v1/invites/{_id(invite_id)}"))

    # ---- sessions
    def get_session(self, session_id: str) -> Session:
        return Session.from_json(self._request("GET", f"/v1/sessions/{_id(session_id)}"))

    def end_session(self, session_id: str) -> Session:
        return Session.from_json(self._request("POST", f"/v1/sessions/{_id(session_id)}/end", json_body={}))

    # ---- events
    def list_events(self, *, after: Optional[int] = None, conversation_id: Optional[str] = None,
                    types: Optional[Sequence[EventType]] = None, limit: Optional[int] = None) -> EventPage:
        """One page of the event log, oldest first; pass `next_cursor` as `after` for the next."""
        params = {"after": None if after is None else str(after), "conversationId": conversation_id,
                  "types": ",".join(types) if types else None, "limit": None if limit is None else str(limit)}
        page = self._request("GET", "/v1/events", params=params)
        return EventPage(data=[Event.from_json(e) for e in page["data"]], next_cursor=page.get("nextCursor"))

    def stream_events(self, *, after: Optional[int] = None, conversation_id: Optional[str] = None,
                      types: Optional[Sequence[EventType]] = None, deadline: Optional[float] = None) -> Iterator[Event]:
        """Live events, resumed with Last-Event-ID across dropped connections (see event_stream.stream_events)."""
        return event_stream.stream_events(self, after=after, conversation_id=conversation_id, types=types, deadline=deadline)

    def wait_for(self, types: Union[EventType, Sequence[EventType]], conversation_id: Optional[str] = None, timeout: float = 600.0, *,
                 session_id: Optional[str] = None, invite_id: Optional[str] = None, after: Optional[int] = None) -> Event:
        """The first matching event, including one that happened before the call; TandemTimeoutError after `timeout` s."""
        return event_stream.wait_for(self, types, conversation_id, timeout, session_id=session_id, invite_id=invite_id, after=after)

    # ---- webhooks
    def create_webhook(self, url: str, events: Optional[Sequence[EventType]] = None, description: Optional[str] = None) -> Webhook:
        """Registers an endpoint; the result's `secret` (whsec_...) is shown only now: store it for WebhookVerifier."""
        body: Dict[str, Any] = {"url": url}
        if events is not None:
            body["events"] = list(events)
        if description is not None:
            body["description"] = description
        return Webhook.from_json(self._request("POST", "/v1/webhooks", json_body=body, headers={"idempotency-key": str(uuid.uuid4())}))

    def list_webhooks(self) -> List[Webhook]:
        return [Webhook.from_json(w) for w in self._request("GET", "/v1/webhooks")["data"]]

    def delete_webhook(self, webhook_id: str) -> None:
        self._request("DELETE", f"/v1/webhooks/{_id(webhook_id)}")

    # ---- transport
    def _request(self, method: str, path: str, *, params: Optional[Mapping[str, Optional[str]]] = None,
                 json_body: Any = None, headers: Optional[Mapping[str, str]] = None) -> Any:
        response = self._authorized(method, path, params, json_body, headers, accept="application/json", stream=False,
                                    timeout=(CONNECT_TIMEOUT, self._timeout))
        return response.json() if response.content else None

    def _open_stream(self, params: Mapping[str, Optional[str]], headers: Mapping[str, str], read_timeout: float) -> requests.Response:
        return self._authorized("GET", "/v1/events/stream", params, None, headers, accept="text/event-stream", stream=True,
                                timeout=(CONNECT_TIMEOUT, read_timeout))

    def _authorized(self, method: str, path: str, params: Optional[Mapping[str, Optional[str]]], json_body: Any,
                    headers: Optional[Mapping[str, str]], *, accept: str, stream: bool,
                    timeout: Tuple[float, float]) -> requests.Response:
        # A token can be refused before it expires by our clock (the server's keys changed, clock
        # skew): then one fresh token and one retry. The request was refused, not run, so a retry
        # cannot apply it twice.
        for attempt in (1, 2):
            token = self.tokens.get()
            all_headers = {"accept": accept, "authorization": f"Bearer {token}", **(headers or {})}
            try:
                response = self._http.request(method, self.base_url + path, params={k: v for k, v in (params or {}).items() if v is not None},
                                              json=json_body, headers=all_headers, stream=stream, timeout=timeout)
            except requests.RequestException as error:
                raise TandemConnectionError(f"cannot reach Tandem at {self.base_url}: {error}") from error
            if response.status_code < 400:
                return response
            error = error_from_response(response)
            response.close()
            if attempt == 1 and error.code == "invalid_token":
                self.tokens.invalidate(token)
                continue
            raise error
        raise AssertionError("unreachable")

    def _fetch_token(self) -> Tuple[str, float]:
        # Form-encoded, as RFC 6749 says.
        form = {"grant_type": "client_credentials", "client_id": self._client_id, "client_secret": self._client_secret}
        if self._scopes:
            form["scope"] = " ".join(self._scopes)
        try:
            response = self._http.post(self.base_url + "/oauth/token", data=form, headers={"accept": "application/json"},
                                       timeout=(CONNECT_TIMEOUT, self._timeout))
        except requests.RequestException as error:
            raise TandemConnectionError(f"cannot reach Tandem at {self.base_url}: {error}") from error
        if response.status_code >= 400:
            raise error_from_response(response)
        body = response.json()
        return body["access_token"], float(body["expires_in"])


def _id(value: str) -> str:
    """Escapes an id for a path segment, so an id can never change the route."""
    return quote(value, safe="")
