#!/usr/bin/env python3
"""Invite the customer on a connected call to cobrowse, and wait until they share their tab.

This is what a contact-centre backend does when the agent clicks "Cobrowse" during an outbound
call. It needs only `requests` (Debian: python3-requests).

    export TANDEM_URL=http://127.0.0.1:8080            # default
    export TANDEM_CLIENT_ID=cli_... TANDEM_CLIENT_SECRET=tsk_...
    python3 outbound_cobrowse.py --call-id call-1001 \\
        --customer-id cust-42 --customer-phone +14155550123 \\
        --agent-id a-7 --agent-name Dana [--channels sms,code] [--timeout 600]

The steps, each one HTTP call:
  1. POST /oauth/token            client credentials -> bearer token
  2. PUT  /v1/conversations/{id}  the call is connected: who the customer and the agent are
  3. POST /v1/invites             an invite bound to that call (code, SMS link), Idempotency-Key
  4. GET  /v1/events/stream       Server-Sent Events until the customer answers

It prints `invite: inv_...`, `code: 4829130751` and `link: http://...` (the agent may read the code
aloud), then one of:
  session.started: ses_...   exit 0  the customer clicked Share
  invite.declined ...        exit 3  (also invite.expired, invite.revoked)
  timed out ...              exit 4
API errors are printed as `error <code> (<status>): <detail> [requestId]` and exit 2.
"""

import argparse
import json
import os
import sys
import time
import uuid

import requests

EXIT_STARTED, EXIT_API_ERROR, EXIT_INVITE_ENDED, EXIT_TIMEOUT = 0, 2, 3, 4
ENDING_EVENTS = ("invite.declined", "invite.expired", "invite.revoked")
WATCHED_EVENTS = ("session.started",) + ENDING_EVENTS
# The server sends a heartbeat comment every 15 s; this much silence means the connection is dead.
STREAM_READ_TIMEOUT = 45


class ApiError(Exception):
    """An application/problem+json answer: {code, status, title, detail, requestId}."""

    def __init__(self, response):
        try:
            problem = response.json()
        except ValueError:
            problem = {}
        self.code = problem.get("code", "http_error")
        self.status = problem.get("status", response.status_code)
        self.detail = problem.get("detail") or problem.get("title") or response.text[:200]
        self.request_id = problem.get("requestId") or response.headers.get("x-request-id", "-")
        super().__init__(f"error {self.code} ({self.status}): {self.detail} [{self.request_id}]")


class NoAnswer(Exception):
    """The customer did not answer before --timeout."""


class Tandem:
    """The few Tandem API calls this flow needs."""

    def __init__(self, base_url, client_id, client_secret):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.http = requests.Session()
        self.token = None

    def authenticate(self):
        # Form-encoded, as RFC 6749 says; JSON and HTTP Basic work too.
        response = self.http.post(f"{self.base_url}/oauth/token", data={
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }, timeout=10)
        self.token = checked(response).json()["access_token"]

    def headers(self, extra=None):
        return {"authorization": f"Bearer {self.token}", **(extra or {})}

    def put_conversation(self, call_id, body):
        url = f"{self.base_url}/v1/conversations/{requests.utils.quote(call_id, safe='')}"
        return checked(self.http.put(url, json=body, headers=self.headers(), timeout=10)).json()

    def create_invite(self, body):
        # A new key per click: if this POST is retried (timeout, proxy hiccup) the server replays
        # the first answer instead of sending the customer a second SMS.
        headers = self.headers({"idempotency-key": str(uuid.uuid4())})
        return checked(self.http.post(f"{self.base_url}/v1/invites", json=body, headers=headers, timeout=10)).json()

    def events(self, params):
        """One page of the event log, oldest first."""
        response = self.http.get(f"{self.base_url}/v1/events", params=params, headers=self.headers(), timeout=10)
        return checked(response).json()

    def open_stream(self, params, last_event_id, read_timeout):
        headers = self.headers({"accept": "text/event-stream", "last-event-id": str(last_event_id)})
        return self.http.get(f"{self.base_url}/v1/events/stream", params=params, headers=headers,
                             stream=True, timeout=(10, read_timeout))


def checked(response):
    if response.status_code >= 400:
        raise ApiError(response)
    return response


def parse_args():
    parser = argparse.ArgumentParser(description="Invite the customer of a connected call to cobrowse.")
    parser.add_argument("--call-id", required=True, help="the dialer's call id (the conversation id)")
    parser.add_argument("--customer-id", help="your id for the customer (matches the site's identity token)")
    parser.add_argument("--customer-phone", help="E.164 phone for the SMS link, e.g. +14155550123")
    parser.add_argument("--agent-id", required=True)
    parser.add_argument("--agent-name", help="shown to the customer in the prompt")
    parser.add_argument("--channels", help="comma list of push,sms,code (default: push if the customer's page is live, else sms)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the customer (default 600)")
    args = parser.parse_args()
    if not args.customer_id and not args.customer_phone:
        parser.error("give --customer-id, --customer-phone or both")
    return args


def conversation_body(args):
    customer = {key: value for key, value in (("id", args.customer_id), ("phone", args.customer_phone)) if value}
    agent = {"id": args.agent_id, **({"name": args.agent_name} if args.agent_name else {})}
    return {"state": "connected", "customer": customer, "agent": agent}


def invite_body(args):
    body = {"conversationId": args.call_id}
    if args.channels:
        body["channels"] = [channel.strip() for channel in args.channels.split(",") if channel.strip()]
    return body


def print_invite(invite):
    print(f"invite: {invite['id']}")
    print(f"code: {invite['code']}")
    print(f"link: {invite['link']}")
    deliveries = ", ".join(f"{d['channel']} {d['state']}" for d in invite.get("deliveries", []))
    print(f"delivered by: {deliveries or 'nothing yet'}; expires at {invite['expiresAt']}")
    sys.stdout.flush()


def stream_start(tandem, invite):
    """Where to start the event stream: just before our invite's `invite.created` event.

    A stream opened without a position replays the organisation's whole log, so we look the
    position up; whatever the customer does from then on is in the stream, even if they answer
    before it opens.
    """
    params = {"conversationId": invite["conversationId"], "types": "invite.created", "limit": "1000"}
    page = tandem.events(params)
    while page["data"]:
        for event in page["data"]:
            if event["inviteId"] == invite["id"]:
                return event["seq"] - 1
        page = tandem.events({**params, "after": page["nextCursor"]})
    return 0


def sse_events(response):
    """Yields (id, type, data) from a text/event-stream response; None for each heartbeat comment.

    Lines are `field: value`; a blank line ends one event; lines starting with ':' are comments.
    """
    buffer = b""
    event_id, event_type, data = None, "message", []
    for chunk in response.iter_content(chunk_size=None):
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for raw in lines:
            line = raw.rstrip(b"\r").decode("utf-8")
            if line == "":
                if data:
                    yield event_id, event_type, json.loads("\n".join(data))
                event_type, data = "message", []
            elif line.startswith(":"):
                yield None
            else:
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "id":
                    event_id = value
                elif field == "event":
                    event_type = value
                elif field == "data":
                    data.append(value)


def wait_for_outcome(tandem, invite, deadline):
    """Follows the event stream until our invite ends one way or the other; reconnects on drops.

    Returns (event type, event). Raises NoAnswer at the deadline.
    """
    params = {"conversationId": invite["conversationId"], "types": ",".join(WATCHED_EVENTS)}
    last_event_id = stream_start(tandem, invite)
    token_refreshed = False
    while time.monotonic() < deadline:
        read_timeout = max(1.0, min(STREAM_READ_TIMEOUT, deadline - time.monotonic()))
        log(f"waiting for the customer (events after {last_event_id})")
        try:
            with tandem.open_stream(params, last_event_id, read_timeout) as response:
                if response.status_code == 401 and not token_refreshed:
                    tandem.authenticate()  # the access token expired while we waited
                    token_refreshed = True
                    continue
                checked(response)
                token_refreshed = False
                for item in sse_events(response):
                    if time.monotonic() >= deadline:
                        break
                    if item is None:
                        continue
                    event_id, event_type, event = item
                    last_event_id = event_id
                    if event.get("inviteId") == invite["id"]:
                        return event_type, event
        except ApiError as error:
            if error.status < 500:
                raise
            log(f"event stream: {error}; retrying")
        except requests.RequestException as error:
            log(f"event stream dropped ({type(error).__name__}); reconnecting after event {last_event_id}")
        # Back off a little before reconnecting (the server asks for 2 s with `retry:`).
        time.sleep(max(0.0, min(2.0, deadline - time.monotonic())))
    raise NoAnswer


def log(message):
    print(message, file=sys.stderr, flush=True)


def main():
    args = parse_args()
    tandem = Tandem(
        os.environ.get("TANDEM_URL", "http://127.0.0.1:8080"),
        os.environ.get("TANDEM_CLIENT_ID", ""),
        os.environ.get("TANDEM_CLIENT_SECRET", ""),
    )
    deadline = time.monotonic() + args.timeout
    try:
        tandem.authenticate()
        tandem.put_conversation(args.call_id, conversation_body(args))
        invite = tandem.create_invite(invite_body(args))
        print_invite(invite)
        event_type, event = wait_for_outcome(tandem, invite, deadline)
    except ApiError as error:
        log(str(error))
        return EXIT_API_ERROR
    except requests.RequestException as error:
        log(f"error: cannot reach Tandem at {tandem.base_url}: {error}")
        return EXIT_API_ERROR
    except NoAnswer:
        log(f"timed out after {args.timeout:g} s: the customer has not answered invite {invite['id']}")
        return EXIT_TIMEOUT

    if event_type == "session.started":
        print(f"session.started: {event['sessionId']}", flush=True)
        return EXIT_STARTED
    reason = event.get("data", {}).get("reason")
    log(f"{event_type}: invite {invite['id']} ended{f' ({reason})' if reason else ''}; no cobrowse this time")
    return EXIT_INVITE_ENDED


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
