"""``Idempotency-Key`` on POST: the same key sent again returns the first answer and changes nothing.

The key is claimed before the view runs (a unique insert), so two concurrent requests with one
key cannot both act; the second gets 409 while the first is in progress. A 5xx answer releases
the key so that the client may retry. Records expire after a day (TTL index; see README for the
stand-in, which does not expire them).
"""
import hashlib
from datetime import datetime, timezone

from flask import Response, current_app, g, request
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from shared.http.problems import problem

COLLECTION = "idempotency_keys"
INDEXES = {COLLECTION: [IndexModel([("created_at", ASCENDING)], expireAfterSeconds=24 * 3600)]}
MAX_KEY_LENGTH = 255


def _records():
    return current_app.extensions["iop"].db[COLLECTION]


def install_idempotency(app) -> None:
    @app.before_request
    def claim_key():
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or key is None or "principal" not in g:
            return None
        if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isprintable():
            return problem(400, "Bad request", f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.")
        record_id = f"{g.principal.site_id or 'operator'}:{key}"
        fingerprint = hashlib.sha256(f"{request.method} {request.path}\n".encode() + request.get_data()).hexdigest()
        try:
            _records().insert_one({"_id": record_id, "state": "in_progress", "fingerprint": fingerprint,
                                   "created_at": datetime.now(timezone.utc)})
        except DuplicateKeyError:
            return _replay(record_id, fingerprint)
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


def _replay(record_id: str, fingerprint: str):
    record = _records().find_one({"_id": record_id})
    if record is None:  # released by a failed first attempt in the meantime
        return problem(409, "Conflict", "A request with this Idempotency-Key just failed; send it again.")
    if record["fingerprint"] != fingerprint:
        return problem(422, "Unprocessable content", "This Idempotency-Key was used for a different request.",
                       errors={"Idempotency-Key": ["Already used for a different request."]})
    if record["state"] != "completed":
        return problem(409, "Conflict", "A request with this Idempotency-Key is still in progress.")
    headers = {"Idempotent-Replayed": "true"}
    if record.get("location"):
        headers["Location"] = record["location"]
    return Response(record["body"], status=record["status"], content_type=record["content_type"], headers=headers)

