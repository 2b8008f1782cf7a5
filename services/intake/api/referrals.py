"""Inbound referrals: received, screened, accepted (the person becomes a patient), admitted
(the patient is enrolled), or declined with a reason.

A transition that makes something else (a patient on acceptance, an enrollment on admission)
touches two documents, and there are no multi-document transactions to lean on. The other
document is made first and in a way a retry finds again: a patient by MRN at the site, an
enrollment under an id derived from the referral's. The referral's move and its event are then
one atomic write. A crash in between leaves the referral where it was, and sending the same
transition again completes it without a second patient or enrollment.
"""
import uuid
from datetime import date, datetime

from flask_smorest import Blueprint
from pymongo.errors import DuplicateKeyError

from services.intake.api.enrollments import admit_patient
from services.intake.api.patients import find_patient_by_mrn, register, require_patient
from services.intake.api.schemas import Referral, ReferralCreate, ReferralQuery, ReferralTransition
from services.intake.domain import referrals as rules
from services.intake.store import REFERRALS
from shared import clock
from shared.http.auth import current_site_id
from shared.http.current import actor, collection, find_at_site, request_event
from shared.http.fields import stored
from shared.http.pagination import page_of
from shared.outbox import insert_with_events, modify

blp = Blueprint("referrals", __name__, url_prefix="/v1/referrals",
                description="Inbound referrals, from first contact to admission or decline.")

# Enrollments made by admitting a referral get ids derived from the referral's (see the docstring).
REFERRAL_ENROLLMENT_NAMESPACE = uuid.UUID("0b5f3f0e-8f61-4a57-9f0e-6f1c2a7d4e21")


def _status_change(old: str | None, new: str, reason: str | None, now: datetime) -> dict:
    return {"at": now, "by": actor(), "from": old, "to": new, "reason": reason}


@blp.route("", methods=["POST"])
@blp.arguments(ReferralCreate)
@blp.response(201, Referral)
def receive_referral(fields):
    """Record a referral in status ``received`` (emits intake.referral.received).

    Name the person either by ``patient_id`` (an existing patient of the site) or by ``patient``
    (demographics of someone who is not a patient yet)."""
    site_id, now = current_site_id(), clock.now()
    if "patient_id" in fields:
        require_patient(fields["patient_id"])
    person = fields.get("patient")
    referral_id = str(uuid.uuid4())
    document = {
        "_id": referral_id,
        "site_id": site_id,
        "source": fields["source"],
        "reason": fields["reason"],
        "urgency": fields["urgency"],
        "contact_consent": fields["contact_consent"],
        "patient_id": fields.get("patient_id"),
        "patient": {**person, "birth_date": stored(person["birth_date"])} if person else None,
        "status": rules.RECEIVED,
        "enrollment_id": None,
        "status_history": [_status_change(None, rules.RECEIVED, None, now)],
        "received_at": now,
        "updated_at": None,
    }
    event = request_event("intake.referral.received", {
        "referral_id": referral_id,
        "source": document["source"],
        "urgency": document["urgency"],
        "patient_id": document["patient_id"],
    })
    return insert_with_events(collection(REFERRALS), document, [event])


@blp.route("", methods=["GET"])
@blp.arguments(ReferralQuery, location="query")
@blp.response(200, Referral(many=True))
@blp.paginate()
def list_referrals(query, pagination_parameters):
    """The site's referrals, newest first, filtered by status or urgency."""
    selector = {"site_id": current_site_id(), **query}
    return page_of(collection(REFERRALS), selector, [("received_at", -1), ("_id", 1)], pagination_parameters)


@blp.route("/<referral_id>", methods=["GET"])
@blp.response(200, Referral)
def get_referral(referral_id):
    """One referral with its status history."""
    return find_at_site(REFERRALS, referral_id, "referral")


@blp.route("/<referral_id>/transitions", methods=["POST"])
@blp.arguments(ReferralTransition)
@blp.response(200, Referral)
@blp.alt_response(409, description="The move is not allowed from the referral's status, or the MRN "
                                   "belongs to a patient with another birth date.")
def transition_referral(fields, referral_id):
    """Move a referral: received → screening → accepted → admitted, or → declined with a reason
    (emits intake.referral.updated).

    Accepting registers the patient, or links the patient already registered under the MRN at
    the site (same birth date required). Admitting creates the enrollment exactly as
    POST /v1/enrollments does (emits intake.enrollment.admitted)."""
    referral = find_at_site(REFERRALS, referral_id, "referral")
    # Checked before anything is made so that an illegal move registers or enrolls nobody.
    rules.transition(referral["status"], fields["to"], fields.get("reason"))

    made = {}
    if fields["to"] == rules.ACCEPTED:
        made["patient_id"] = _patient_for(referral, fields.get("mrn"))
    if fields["to"] == rules.ADMITTED:
        enrollment_id = str(uuid.uuid5(REFERRAL_ENROLLMENT_NAMESPACE, referral_id))
        enrollment = admit_patient(referral["patient_id"], fields["enrollment"],
                                   enrollment_id=enrollment_id, referral_id=referral_id)
        made["enrollment_id"] = enrollment["_id"]
    return _move(referral_id, fields["to"], fields.get("reason"), made)


def _patient_for(referral: dict, offered_mrn: str | None) -> str:
    """The id of the patient an accepted referral is about, registering them if need be."""
    person = referral["patient"]
    mrn = rules.mrn_for_acceptance(referral["patient_id"], person and person.get("mrn"), offered_mrn)
    if mrn is None:
        return referral["patient_id"]
    existing = find_patient_by_mrn(mrn)
    if existing is None:
        try:
            return register({**person, "mrn": mrn, "birth_date": date.fromisoformat(person["birth_date"])})["_id"]
        except DuplicateKeyError:  # registered in the meantime, e.g. by a concurrent acceptance
            existing = find_patient_by_mrn(mrn)
    rules.check_same_person(mrn, existing["birth_date"], person["birth_date"])
    return existing["_id"]


def _move(referral_id: str, to: str, reason: str | None, made: dict) -> dict:
    """Write the move and its event in one write, checking it again against the stored status
    in case a concurrent request moved the referral first."""
    now = clock.now()

    def apply(referral):
        rules.transition(referral["status"], to, reason)
        changes = {
            **made,
            "status": to,
            "status_history": [*referral["status_history"], _status_change(referral["status"], to, reason, now)],
            "updated_at": now,
        }
        event = request_event("intake.referral.updated", {
            "referral_id": referral_id,
            "status": to,
            "previous_status": referral["status"],
            "urgency": referral["urgency"],
            "patient_id": changes.get("patient_id", referral["patient_id"]),
            "enrollment_id": changes.get("enrollment_id", referral["enrollment_id"]),
        })
        return changes, [event]

    return modify(collection(REFERRALS), {"_id": referral_id, "site_id": current_site_id()}, apply)
