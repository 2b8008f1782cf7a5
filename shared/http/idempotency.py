"""``Idempotency-Key`` on POST: the same key sent again returns the first answer and changes nothing.

The key is claimed before the view runs (a unique insert), so two concurrent requests with one
key cannot both act; the second gets 409 while the first is in progress. A 5xx answer releases
the key so that the client may retry.

Crash safety: a claim holds a lease of ``LEASE_SECONDS`` (longer than a request may run: gunicorn
ends a worker after 30 s). A claim whose worker died never gets an answer; once its lease has
passed, the next request with the key takes the claim over and runs. Only answers that were
given are replayed. Records expire after ``RETENTION_SECONDS``: MongoDB's TTL index removes them,
and because the embedded stand-in has no TTL, an expired record is also treated as absent when
read and :func:`purge_expired` (run by each worker) deletes it.
"""
import hashlib
import re
from datetime import datetime, timedelta, timezone

from flask import Response, current_app, g, request
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from shared.http.problems import problem

COLLECTION = "idempotency_keys"
RETENTION_SECONDS = 24 * 3600
LEASE_SECONDS = 60
INDEXES = {COLLECTION: [IndexModel([("created_at", ASCENDING)], expireAfterSeconds=RETENTION_SECONDS)]}
MAX_KEY_LENGTH = 255


def _records():
    return current_app.extensions["iop"].db[COLLECTION]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo else instant.replace(tzinfo=timezone.utc)


def install_idempotency(app) -> None:
    @app.before_request
    def claim_key():
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or key is None or "principal" not in g:
            return None
        if len(key) > MAX_KEY_LENGTH or re.fullmatch(r"[!-~]([ -~]*[!-~])?", key) is None:
            return problem(400, "Bad request", f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.")
        record_id = f"{g.principal.site_id or 'operator'}:{key}"
        fingerprint = hashlib.sha256(f"{request.method} {request.path}\n".encode() + request.get_data()).hexdigest()
        claim = {"_id": record_id, "state": "in_progress", "fingerprint": fingerprint, "created_at": _now()}
        try:
            _records().insert_one(claim)
        except DuplicateKeyError:
            existing = _records().find_one({"_id": record_id})
            if existing is None or not _reclaimable(existing) or not _take_over(existing, claim):
                return _replay(existing, fingerprint)
        g.idempotency_record_id = record_id
        return None

    @app.after_request
    def remember_answer(response):
        record_id = g.pop("idempotency_record_id", None)
        if record_id is None:
            return response
        if response.status_code >= 500:
            _records().delete_one({"_id": record_id})
            return response
        _records().update_one({"_id": record_id}, {"$set": {
            "state": "completed",
            "status": response.status_code,
            "body": response.get_data(as_text=True),
            "content_type": response.content_type,
            "location": response.headers.get("Location"),
        }})
        return response

    @app.teardown_request
    def release_on_crash(exc):
        record_id = g.pop("idempotency_record_id", None)
        if exc is not None and record_id is not None:
            _records().delete_one({"_id": record_id})


def _reclaimable(record: dict) -> bool:
    """Expired (any state), or still in progress after its lease: its request died unanswered."""
    age = (_now() - _aware(record["created_at"])).total_seconds()
    return age > RETENTION_SECONDS or (record["state"] != "completed" and age > LEASE_SECONDS)


def _take_over(existing: dict, claim: dict) -> bool:
    """Replace the stale record by a new claim, unless another request took it over first."""
    return _records().replace_one({"_id": existing["_id"], "created_at": existing["created_at"]}, claim).matched_count == 1


def _replay(record: dict | None, fingerprint: str):
    if record is None:  # released by a failed first attempt in the meantime
        return problem(409, "Conflict", "A request with this Idempotency-Key just failed; send it again.")
    if record["fingerprint"] != fingerprint:
        return problem(422, "Unprocessable content", "This Idempotency-Key was used for a different request.",
                       errors={"Idempotency-Key": ["Already used for a different request."]})
    if record["state"] != "completed":
        return problem(409, "Conflict", "A request with this Idempotency-Key is still in progress.",
                       headers={"Retry-After": str(LEASE_SECONDS)})
    headers = {"Idempotent-Replayed": "true"}
    if record.get("location"):
        headers["Location"] = record["location"]
    return Response(record["body"], status=record["status"], content_type=record["content_type"], headers=headers)


def purge_expired(db) -> int:
    """Delete records past their retention (what the TTL index does on MongoDB)."""
    return db[COLLECTION].delete_many({"created_at": {"$lt": _now() - timedelta(seconds=RETENTION_SECONDS)}}).deleted_count
