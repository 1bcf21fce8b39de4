#!/usr/bin/env python3
"""Verify Tandem consent receipts offline, with PyJWT.

Needs PyJWT with its crypto extra: Debian `apt-get install python3-jwt python3-cryptography`
(or `pip install "pyjwt[crypto]"`).

    python3 verify_receipts.py receipts.json --jwks https://tandem.example.com/.well-known/jwks.json
    python3 verify_receipts.py eyJhbGciOiJFUzI1NiIs... --jwks jwks.json

The input is the answer of GET /v1/conversations/{id}/consent-receipts saved to a file, one
receipt object, or a compact JWS. Exit 0 when every receipt verifies, 1 when any does not,
2 when the input or the keys cannot be read.
"""
import argparse
import json
import os
import sys
import urllib.request

import jwt

RECEIPT_TYPE = "consent-receipt+jwt"


def load_jwks(source):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=10) as res:
            return json.load(res)
    with open(source, encoding="utf-8") as f:
        return json.load(f)


def receipts_in(text):
    text = text.strip()
    if not text.startswith("{"):
        return [text]
    doc = json.loads(text)
    items = doc["data"] if isinstance(doc.get("data"), list) else [doc]
    found = [item.get("receipt") for item in items]
    if not found or not all(isinstance(r, str) for r in found):
        raise ValueError("the JSON holds no receipts")
    return found


def verify(receipt, keys):
    """The claims of a receipt signed by a published key; raises jwt.InvalidTokenError otherwise."""
    header = jwt.get_unverified_header(receipt)
    if header.get("typ") != RECEIPT_TYPE:
        raise jwt.InvalidTokenError("not a consent receipt (typ %r)" % header.get("typ"))
    key = keys.get(header.get("kid"))
    if key is None:
        raise jwt.InvalidTokenError("signed by key %r, which the JWKS does not publish" % header.get("kid"))
    # A receipt records the past: it has no expiry, and its iat is checked by reading it, not by the clock.
    return jwt.decode(receipt, key.key, algorithms=["ES256"], options={"verify_exp": False, "verify_iat": False, "verify_nbf": False})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("receipts", help="a file with receipts, or one compact JWS")
    parser.add_argument("--jwks", required=True, help="the server's /.well-known/jwks.json URL, or a saved copy")
    args = parser.parse_args()
    try:
        jwks = load_jwks(args.jwks)
        keys = {k["kid"]: jwt.PyJWK(k) for k in jwks["keys"]}
        if os.path.exists(args.receipts):
            with open(args.receipts, encoding="utf-8") as f:
                text = f.read()
        else:
            text = args.receipts
        receipts = receipts_in(text)
    except (OSError, ValueError, KeyError, jwt.PyJWKError) as err:
        print("cannot read the receipts or keys: %s" % err, file=sys.stderr)
        return 2

    failed = 0
    for receipt in receipts:
        try:
            c = verify(receipt, keys)
        except jwt.InvalidTokenError as err:
            failed += 1
            print("INVALID  %s" % err)
            continue
        print("valid    %s  %s %s  conversation %s  session %s  recorded %s" % (c["jti"], c["kind"], c["decision"], c["conversationId"], c["sessionId"], c["recordedAt"]))
        shown = c.get("shown")
        if shown:
            print("         shown (%s, copy %s) naming %s of %s, phrase %r, clicked %s:" % (shown["locale"], shown["copyVersion"], shown["agentName"], shown["companyName"], shown["phrase"], c.get("clickedAt")))
            for line in shown["text"].splitlines():
                print("           " + line)
        if c.get("withdraws"):
            print("         withdraws %s" % c["withdraws"]["receiptId"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
