"""Signing as the Standard Webhooks specification defines it (https://www.standardwebhooks.com).

A secret is ``whsec_`` followed by the base64 of random bytes; those bytes are the HMAC key. A
message is signed over ``{webhook-id}.{webhook-timestamp}.{body}`` with HMAC-SHA256, and the
signature travels as ``v1,<base64>``. During a secret rotation every secret still valid signs,
and the signatures are sent space-separated in one ``webhook-signature`` header: a receiver that
knows either secret verifies.
"""
import base64
import hashlib
import hmac

SECRET_PREFIX = "whsec_"
# The specification asks for 24 to 64 random bytes.
SECRET_BYTES = 32


def format_secret(key: bytes) -> str:
    """The secret as shown to the site, once: ``whsec_`` and the base64 of its key."""
    if not 24 <= len(key) <= 64:
        raise ValueError("a webhook secret's key is 24 to 64 random bytes")
    return SECRET_PREFIX + base64.b64encode(key).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """One ``v1,<base64>`` signature of the message."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(secrets: list[str], message_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The three headers of a delivery, one signature per valid secret (newest first)."""
    if not secrets:
        raise ValueError("a webhook is signed with at least one secret")
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(secret, message_id, timestamp, body) for secret in secrets),
    }
