"""Python client for the Tandem co-browsing API.

    from tandem_client import TandemClient
    tandem = TandemClient("http://127.0.0.1:8080", client_id, client_secret)
    tandem.upsert_conversation("call-1001", "connected", customer={"id": "cust-42"}, agent={"id": "a-7"})
    invite = tandem.create_invite("call-1001")
    started = tandem.wait_for("session.started", "call-1001", timeout=600)
"""

from .client import TandemClient
from .errors import TandemApiError, TandemConnectionError, TandemError, TandemTimeoutError, WebhookVerificationError
from .models import (Agent, Channel, Conversation, ConversationState, Customer, Delivery, Event, EventPage, EventType, Invite,
                     Session, Webhook)
from .event_payloads import (EVENT_PAYLOAD_TYPES, ConversationUpdatedData, InviteAcceptedData, InviteCreatedData,
                             InviteDeclinedData, InviteDeliveredData, InviteDeliveryFailedData, InviteExpiredData,
                             InviteLinkRefusedData, InviteOpenedData, InviteRevokedData, SessionControlDeclinedData,
                             SessionControlGrantedData, SessionControlRevokedData, SessionEndedData, SessionEndReason,
                             SessionStartedData)
from .token_cache import AccessTokenCache
from .webhooks import WebhookVerifier

__all__ = [
    "TandemClient", "TandemError", "TandemApiError", "TandemConnectionError", "TandemTimeoutError",
    "WebhookVerificationError", "WebhookVerifier", "AccessTokenCache",
    "Agent", "Channel", "Conversation", "ConversationState", "EventType", "Customer", "Delivery", "Event", "EventPage", "Invite", "Session", "Webhook",
    "EVENT_PAYLOAD_TYPES", "ConversationUpdatedData", "InviteAcceptedData", "InviteCreatedData", "InviteDeclinedData",
    "InviteDeliveredData", "InviteDeliveryFailedData", "InviteExpiredData", "InviteLinkRefusedData", "InviteOpenedData",
    "InviteRevokedData", "SessionControlDeclinedData", "SessionControlGrantedData", "SessionControlRevokedData",
    "SessionEndedData", "SessionEndReason", "SessionStartedData",
]
__version__ = "0.1.0"
