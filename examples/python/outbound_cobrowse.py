#!/usr/bin/env python3
"""Invite the customer on a connected call to cobrowse, and wait until they share their tab.

This is what a contact-centre backend does when the agent clicks "Cobrowse" during an outbound
call. It uses the Python client of this repository (it needs only `requests`):

    pip install ./packages/client-python                # in a venv, or --break-system-packages
    export TANDEM_URL=http://127.0.0.1:8080            # default
    export TANDEM_CLIENT_ID=cli_... TANDEM_CLIENT_SECRET=tsk_...
    python3 outbound_cobrowse.py --call-id call-1001 \\
        --customer-id cust-42 --customer-phone +14155550123 \\
        --agent-id a-7 --agent-name Dana [--channels sms,code] [--timeout 600]

The steps (the client gets and renews the token by itself):
  1. upsert_conversation   the call is connected: who the customer and the agent are
  2. create_invite         an invite bound to that call (code, SMS link), with an Idempotency-Key
  3. wait_for              the event log, then the live stream, until the customer answers

It prints `invite: inv_...`, `code: 4829130751` and `link: http://...` (the agent may read the code
aloud), then one of:
  session.started: ses_...   exit 0  the customer clicked Share
  invite.declined ...        exit 3  (also invite.expired, invite.revoked)
  timed out ...              exit 4
API errors are printed as `error <code> (<status>): <detail> [requestId]` and exit 2.
"""

import argparse
import logging
import os
import sys

try:
    from tandem_client import Invite, TandemApiError, TandemClient, TandemConnectionError, TandemTimeoutError
except ImportError:
    sys.exit("this example needs the Tandem Python client: pip install ./packages/client-python")

EXIT_STARTED, EXIT_API_ERROR, EXIT_INVITE_ENDED, EXIT_TIMEOUT = 0, 2, 3, 4
ENDING_EVENTS = ("invite.declined", "invite.expired", "invite.revoked")


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


def print_invite(invite: Invite):
    print(f"invite: {invite.id}")
    print(f"code: {invite.code}")
    print(f"link: {invite.link}")
    deliveries = ", ".join(f"{d.channel} {d.state}" for d in invite.deliveries)
    print(f"delivered by: {deliveries or 'nothing yet'}; expires at {invite.expires_at}", flush=True)


def main():
    args = parse_args()
    # The client logs a dropped event stream and its resumption here.
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    tandem = TandemClient(os.environ.get("TANDEM_URL", "http://127.0.0.1:8080"),
                          os.environ.get("TANDEM_CLIENT_ID", ""), os.environ.get("TANDEM_CLIENT_SECRET", ""))
    customer = {key: value for key, value in (("id", args.customer_id), ("phone", args.customer_phone)) if value}
    agent = {"id": args.agent_id, **({"name": args.agent_name} if args.agent_name else {})}
    channels = [c.strip() for c in args.channels.split(",") if c.strip()] if args.channels else None
    invite = None
    try:
        tandem.upsert_conversation(args.call_id, "connected", customer=customer, agent=agent)
        # A new idempotency key per click: a retried POST returns this invite instead of a second SMS.
        invite = tandem.create_invite(args.call_id, channels=channels)
        print_invite(invite)
        # Events of this invite only: an earlier invite of the same call may have been declined.
        event = tandem.wait_for(("session.started",) + ENDING_EVENTS, args.call_id, timeout=args.timeout, invite_id=invite.id)
    except TandemApiError as error:
        print(f"error {error}", file=sys.stderr)
        return EXIT_API_ERROR
    except TandemConnectionError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_API_ERROR
    except TandemTimeoutError:
        print(f"timed out after {args.timeout:g} s: the customer has not answered invite {invite.id}", file=sys.stderr)
        return EXIT_TIMEOUT

    if event.type == "session.started":
        print(f"session.started: {event.session_id}", flush=True)
        return EXIT_STARTED
    reason = event.data.get("reason")
    print(f"{event.type}: invite {invite.id} ended{f' ({reason})' if reason else ''}; no cobrowse this time", file=sys.stderr)
    return EXIT_INVITE_ENDED


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
