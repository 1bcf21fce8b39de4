"""Typed results: each API object as a frozen dataclass, read from the server's JSON.

Fields the server adds later are ignored, so an older client keeps working against a newer server;
`raw` keeps the JSON as received for anything not modelled here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Mapping, Optional

EventType = Literal[
    "conversation.updated",
    "invite.created", "invite.delivered", "invite.opened", "invite.prompt_failed", "invite.link_refused", "invite.accepted", "invite.declined",
    "invite.expired", "invite.revoked", "invite.delivery_failed",
    "session.started", "session.control_granted", "session.control_revoked", "session.control_declined",
    "session.ended",
]
ConversationState = Literal["dialing", "connected", "disconnected"]
Channel = Literal["push", "sms", "code"]


@dataclass(frozen=True)
class Customer:
    id: Optional[str] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    name: Optional[str] = None

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Customer":
        return cls(id=j.get("id"), phone=j.get("phone"), email=j.get("email"), name=j.get("name"))


@dataclass(frozen=True)
class Agent:
    id: str
    name: Optional[str] = None

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Agent":
        return cls(id=j["id"], name=j.get("name"))


@dataclass(frozen=True)
class Conversation:
    id: str
    state: ConversationState
    customer: Customer
    agent: Optional[Agent]
    created_at: str
    updated_at: str
    connected_at: Optional[str]
    disconnected_at: Optional[str]
    raw: Dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Conversation":
        return cls(id=j["id"], state=j["state"], customer=Customer.from_json(j.get("customer") or {}),
                   agent=Agent.from_json(j["agent"]) if j.get("agent") else None,
                   created_at=j["createdAt"], updated_at=j["updatedAt"],
                   connected_at=j.get("connectedAt"), disconnected_at=j.get("disconnectedAt"), raw=dict(j))


@dataclass(frozen=True)
class Delivery:
    channel: Channel
    state: str
    at: str
    detail: Optional[str] = None

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Delivery":
        return cls(channel=j["channel"], state=j["state"], at=j["at"], detail=j.get("detail"))


@dataclass(frozen=True)
class Invite:
    id: str
    conversation_id: str
    customer_id: Optional[str]
    state: str
    code: str
    """Six digits the agent may read aloud."""
    link: str
    """The SMS deep link; it carries a secret, send it only to the customer."""
    phrase: str
    expires_at: str
    created_at: str
    session_id: Optional[str]
    deliveries: List[Delivery]
    raw: Dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Invite":
        return cls(id=j["id"], conversation_id=j["conversationId"], customer_id=j.get("customerId"), state=j["state"],
                   code=j["code"], link=j["link"], phrase=j["phrase"], expires_at=j["expiresAt"],
                   created_at=j["createdAt"], session_id=j.get("sessionId"),
                   deliveries=[Delivery.from_json(d) for d in j.get("deliveries", [])], raw=dict(j))


@dataclass(frozen=True)
class Session:
    id: str
    conversation_id: str
    invite_id: str
    customer_id: Optional[str]
    state: str
    control: bool
    started_at: str
    ended_at: Optional[str]
    end_reason: Optional[str]
    raw: Dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Session":
        return cls(id=j["id"], conversation_id=j["conversationId"], invite_id=j["inviteId"], customer_id=j.get("customerId"),
                   state=j["state"], control=bool(j["control"]), started_at=j["startedAt"], ended_at=j.get("endedAt"),
                   end_reason=j.get("endReason"), raw=dict(j))


@dataclass(frozen=True)
class Event:
    """One entry of the event log, as the stream, GET /v1/events and webhook bodies carry it."""
    id: str
    """Globally unique; the `webhook-id` header of its deliveries."""
    seq: int
    """Per-organisation, gap-free and increasing: the stream's Last-Event-ID."""
    type: str
    occurred_at: str
    conversation_id: Optional[str]
    invite_id: Optional[str]
    session_id: Optional[str]
    data: Dict[str, Any]
    """The payload of its type: see event_payloads (EVENT_PAYLOAD_TYPES[event.type])."""

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Event":
        return cls(id=j["id"], seq=int(j["seq"]), type=j["type"], occurred_at=j["occurredAt"],
                   conversation_id=j.get("conversationId"), invite_id=j.get("inviteId"),
                   session_id=j.get("sessionId"), data=dict(j.get("data") or {}))


@dataclass(frozen=True)
class EventPage:
    data: List[Event]
    next_cursor: Optional[str]
    """The last seq of this page: pass it as `after` for the next one (or to tail from)."""


@dataclass(frozen=True)
class Webhook:
    id: str
    url: str
    events: List[str]
    description: Optional[str]
    created_at: str
    secret: Optional[str] = None
    """whsec_... signing secret: returned only when the webhook is created. Store it to verify deliveries."""

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Webhook":
        return cls(id=j["id"], url=j["url"], events=list(j.get("events", [])), description=j.get("description"),
                   created_at=j["createdAt"], secret=j.get("secret"))
