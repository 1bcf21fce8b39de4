#!/usr/bin/env python3
"""Checks of the installed tandem_client, run by python-client.test.ts against a live server.

Each subcommand prints `key: value` lines the test reads; TANDEM_URL, TANDEM_CLIENT_ID and
TANDEM_CLIENT_SECRET say where the server is. Run with the interpreter of the venv the package
was installed into, from outside the source tree, so the installed copy is what is imported.
"""

import argparse
import json
import logging
import os
import sys
import threading
import time
from dataclasses import is_dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import tandem_client
from tandem_client import (AccessTokenCache, Event, Invite, TandemApiError, TandemClient, TandemTimeoutError,
                           WebhookVerificationError, WebhookVerifier)


def client(secret=None):
    return TandemClient(os.environ["TANDEM_URL"], os.environ["TANDEM_CLIENT_ID"], secret or os.environ["TANDEM_CLIENT_SECRET"])


def say(key, value):
    print(f"{key}: {value}", flush=True)


def problem(_args):
    """A problem answer becomes TandemApiError with code, status and request id."""
    say("module", tandem_client.__file__)
    try:
        client().create_invite("never-dialled")
    except TandemApiError as error:
        say("error", f"{error.code} {error.status} {error.request_id}")
    try:
        client("tsk_not-the-secret").get_conversation("any")
    except TandemApiError as error:
        say("error", f"{error.code} {error.status} {error.request_id}")


def outbound(args):
    """The outbound flow: connected call, invite, wait for session.started, hang up."""
    tandem = client()
    tandem.upsert_conversation(args.call_id, "connected", customer={"id": "cust-42", "phone": "+14155550123"},
                               agent={"id": "a-7", "name": "Dana"})
    invite = tandem.create_invite(args.call_id, channels=["sms"])
    assert isinstance(invite, Invite) and is_dataclass(invite)
    say("invite", invite.id)
    say("link", invite.link)
    try:
        event = tandem.wait_for(["session.started", "invite.declined"], args.call_id, timeout=args.timeout, invite_id=invite.id)
    except TandemTimeoutError as error:
        say("timed out", error)
        return 4
    assert isinstance(event, Event)
    say(event.type, f"{event.session_id} seq {event.seq}")
    if event.type == "session.started":
        session = tandem.get_session(event.session_id)
        say("session state", session.state)
    say("conversation", tandem.upsert_conversation(args.call_id, "disconnected").state)
    # Every call above shared one token.
    say("token fetches", tandem.tokens.fetches)
    return 0


def stream(args):
    """Prints every event of a new call from the live stream until session.started."""
    tandem = client()
    tandem.upsert_conversation(args.call_id, "connected", customer={"id": "cust-42", "phone": "+14155550123"}, agent={"id": "a-7"})
    invite = tandem.create_invite(args.call_id, channels=["sms"])
    say("invite", invite.id)
    say("link", invite.link)
    for event in tandem.stream_events(conversation_id=args.call_id, deadline=time.monotonic() + args.timeout):
        say("event", f"{event.seq} {event.type}")
        if event.type == "session.started":
            return 0
    say("timed out", "no session.started")
    return 4


def webhook_receiver(args):
    """A company's webhook endpoint: registers itself, verifies each delivery, answers 204 or 400."""
    verifier_box = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            say("raw", json.dumps({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body.decode("utf-8")}))
            try:
                event = verifier_box["verifier"].verify(self.headers, body)
            except WebhookVerificationError as error:
                say("refused", error)
                self.send_response(400)
            else:
                say("verified", f"{event.type} {event.conversation_id} {self.headers['webhook-id']}")
                self.send_response(204)
            self.end_headers()

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    webhook = client().create_webhook(url, events=["conversation.updated"])
    verifier_box["verifier"] = WebhookVerifier(webhook.secret)
    say("receiver", url)
    say("webhook", webhook.id)
    # Bounded: the test kills it sooner.
    threading.Timer(args.max_seconds, server.shutdown).start()
    server.serve_forever()


def offline(_args):
    """Token renewal and signature rules that need a clock, with a fake one."""
    now = [1000.0]
    issued = []

    def fetch():
        issued.append(f"tok{len(issued) + 1}")
        return issued[-1], 900.0

    cache = AccessTokenCache(fetch, clock=lambda: now[0])
    first = cache.get()
    now[0] += 869  # 31 s before expiry: still the cached token
    second = cache.get()
    now[0] += 2  # 29 s before expiry: renewed before the server would refuse it
    third = cache.get()
    say("tokens", f"{first} {second} {third}")
    cache.invalidate(third)
    say("after invalidate", cache.get())

    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    verifier = WebhookVerifier(secret, clock=lambda: 1_700_000_000)
    event = {"id": "evt_1", "seq": 1, "type": "session.started", "occurredAt": "2026-01-01T00:00:00Z",
             "conversationId": "c", "inviteId": "i", "sessionId": "s", "data": {}}
    body = json.dumps({"type": "session.started", "timestamp": "2026-01-01T00:00:00Z", "data": event}).encode("utf-8")
    good = {"webhook-id": "evt_1", "webhook-timestamp": "1700000000", "webhook-signature": verifier.sign("evt_1", 1700000000, body)}
    say("signed", verifier.verify(good, body).type)
    rotated = {**good, "webhook-signature": "v1,bm90LXRoaXMtb25l " + good["webhook-signature"]}
    say("rotated", verifier.verify(rotated, body).type)
    cases = {
        "old": ({**good, "webhook-timestamp": "1699999000", "webhook-signature": verifier.sign("evt_1", 1699999000, body)}, body),
        "other-secret": ({**good, "webhook-signature": WebhookVerifier("whsec_" + "A" * 32).sign("evt_1", 1700000000, body)}, body),
        "unsigned": ({k: v for k, v in good.items() if k != "webhook-signature"}, body),
    }
    for name, (headers, payload) in cases.items():
        try:
            verifier.verify(headers, payload)
            say(name, "accepted")
        except WebhookVerificationError as error:
            say(name, f"refused ({error})")


def main():
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("problem").set_defaults(run=problem)
    flow = commands.add_parser("outbound")
    flow.add_argument("--call-id", required=True)
    flow.add_argument("--timeout", type=float, default=30)
    flow.set_defaults(run=outbound)
    follow = commands.add_parser("stream")
    follow.add_argument("--call-id", required=True)
    follow.add_argument("--timeout", type=float, default=30)
    follow.set_defaults(run=stream)
    hooks = commands.add_parser("webhook-receiver")
    hooks.add_argument("--max-seconds", type=float, default=60)
    hooks.set_defaults(run=webhook_receiver)
    commands.add_parser("offline").set_defaults(run=offline)
    args = parser.parse_args()
    return args.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
