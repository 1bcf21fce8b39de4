"""The `data` of each event type, as TypedDicts (the Events table of the repository README).

`Event.data` is a plain dict at run time; annotate with the payload type of the event you check for:

    ended = tandem.wait_for("session.ended", call_id)
    data: SessionEndedData = ended.data  # type: ignore[assignment]
    print(data["reason"])

The ids an event is about (conversation_id, invite_id, session_id) are on the Event, not in `data`.
"""

from __future__ import annotations

from typing import Dict, List, Literal, Optional, Type, TypedDict

ConversationState = Literal["dialing", "connected", "disconnected"]
Channel = Literal["push", "sms", "code"]
SessionEndReason = Literal["call_ended", "customer_stopped", "agent_ended", "api_ended", "customer_left"]


class ConversationUpdatedData(TypedDict):
    state: ConversationState
    previousState: Optional[ConversationState]
    """None when the conversation was created by this update."""


class InviteCreatedData(TypedDict):
    channels: List[Channel]
    expiresAt: str
    code: str
    """The ten-digit code the agent can read aloud."""


class InviteDeliveredData(TypedDict):
    channel: Channel
    detail: Optional[str]


class _InviteOpenedRequired(TypedDict):
    via: Literal["link", "page"]


class InviteOpenedData(_InviteOpenedRequired, total=False):
    visitorId: str
    """Present when via is "page"."""


class InvitePromptFailedData(TypedDict):
    reason: Literal["error", "hidden"]
    visitorId: str


class InviteLinkRefusedData(TypedDict):
    reason: Literal["opened_on_another_page", "signed_in_as_another_customer"]
    visitorId: str


class InviteAcceptedData(TypedDict):
    visitorId: str


class InviteDeclinedData(TypedDict):
    visitorId: str


class InviteExpiredData(TypedDict):
    expiresAt: str


class InviteRevokedData(TypedDict):
    reason: Literal["api", "call_ended"]


class InviteDeliveryFailedData(TypedDict):
    channel: Channel
    reason: Literal["delivery_failed"]
    detail: Optional[str]


class SessionStartedData(TypedDict):
    customerId: Optional[str]
    agentName: str


class SessionControlGrantedData(TypedDict):
    pass


class SessionControlRevokedData(TypedDict):
    by: Literal["customer"]


class SessionControlDeclinedData(TypedDict):
    pass


class SessionEndedData(TypedDict):
    reason: SessionEndReason


EVENT_PAYLOAD_TYPES: Dict[str, Type[TypedDict]] = {  # type: ignore[valid-type]
    "conversation.updated": ConversationUpdatedData,
    "invite.created": InviteCreatedData,
    "invite.delivered": InviteDeliveredData,
    "invite.opened": InviteOpenedData,
    "invite.prompt_failed": InvitePromptFailedData,
    "invite.link_refused": InviteLinkRefusedData,
    "invite.accepted": InviteAcceptedData,
    "invite.declined": InviteDeclinedData,
    "invite.expired": InviteExpiredData,
    "invite.revoked": InviteRevokedData,
    "invite.delivery_failed": InviteDeliveryFailedData,
    "session.started": SessionStartedData,
    "session.control_granted": SessionControlGrantedData,
    "session.control_revoked": SessionControlRevokedData,
    "session.control_declined": SessionControlDeclinedData,
    "session.ended": SessionEndedData,
}
"""Each event type's payload TypedDict."""
