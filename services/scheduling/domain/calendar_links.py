"""Subscribable calendar links: a read-only, revocable address for one feed (a patient's or a group's).

The address holds a random token (made by the caller, ``secrets.token_urlsafe(32)``: 256 bits),
shown once in the answer that creates the link; the link keeps only its SHA-256 digest, so that
neither the database nor its backups can serve a feed. Whoever holds the address reads that one
feed, and nothing else, until a clinician revokes the link; then the address answers 404, like an
address that never existed. Links emit no events.
"""
import hashlib
from datetime import datetime

PATIENT, GROUP = "patient", "group"
FEEDS = (PATIENT, GROUP)
ACTIVE, REVOKED = "active", "revoked"
LINK_STATUSES = (ACTIVE, REVOKED)


def token_digest(token: str) -> str:
    """What a link stores of its token, and what a presented token is looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(*, link_id: str, site_id: str, feed: str, feed_id: str, token: str, now: datetime, by: str) -> dict:
    """A link to ``feed`` (``patient`` or ``group``) ``feed_id`` at the site, opened by ``token``."""
    if feed not in FEEDS:
        raise ValueError(f"feed must be one of {FEEDS}")
    return {
        "_id": link_id,
        "site_id": site_id,
        "feed": feed,
        "feed_id": feed_id,
        "token_digest": token_digest(token),
        "status": ACTIVE,
        "created_at": now,
        "created_by": by,
        "revoked_at": None,
        "revoked_by": None,
    }


def link_revoked(link: dict, now: datetime, by: str) -> dict | None:
    """The changed fields of a revocation; None when the link is revoked already."""
    if link["status"] == REVOKED:
        return None
    return {"status": REVOKED, "revoked_at": now, "revoked_by": by}


def opens(link: dict | None) -> bool:
    """Whether a link found by its token's digest still serves its feed."""
    return link is not None and link["status"] == ACTIVE
