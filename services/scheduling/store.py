"""Scheduling's collections, what each stores, their indexes and derived ids.

- ``groups``: a therapy group's definition and its roster (seats and waiting list), so that a
  capacity check and the seat it grants are one single-document write.
- ``schedules``: one document per enrollment (``_id`` = the enrollment id, its natural key)
  holding its sessions, attendance and outbox, so that generating, trimming, cancelling and
  taking attendance are each one atomic write.
- ``appointments``: one document per appointment (the aftercare follow-up among them), unique by
  ``natural_key`` at the site.
- ``follow_up_books``: one document per site (``_id`` = the site id): the stretch of time in
  which every follow-up slot is known to be taken, so that booking a follow-up at a site whose
  book runs far ahead need not read all of it (``domain/follow_up_book.py``).
- ``patients``: the site's patients as intake registered them (ids only), so that staff book
  appointments and open calendar links for a patient of the site and no other.
- ``calendar_links``: subscribable calendar links, each holding the SHA-256 digest of its token,
  never the token. A feed is read by that digest alone (the site is the link's): the index on
  ``token_digest`` is not unique, because a sharded collection's unique indexes must lead with
  ``site_id``; 256 random bits make a second link with the same digest a non-event.

Every instant, date and boolean a document holds is declared in its codec, so that it reads back
as such on MongoDB and on the embedded stand-in alike (issue 14: a ``$set`` instant read back from
the stand-in as a naive string made the next follow-up booking fail). Sessions' ids are derived
in ``domain/sessions.py``, where the rules that merge and drop sessions compare them.
"""
import uuid

from pymongo import ASCENDING, IndexModel

from shared.store import Codec, Documents, Store

GROUPS = "groups"
SCHEDULES = "schedules"
APPOINTMENTS = "appointments"
PATIENTS = "patients"
CALENDAR_LINKS = "calendar_links"
FOLLOW_UP_BOOKS = "follow_up_books"

# "Holds null" in a query. ``{"$eq": None}`` means the same as a bare ``None`` on MongoDB, but the
# embedded stand-in's count_documents counts 0 for a bare ``None`` while find matches, and paging
# (shared.http.pagination) trusts the count: the site's active groups listed as none.
IS_NULL = {"$eq": None}

APPOINTMENT_ID_NAMESPACE = uuid.UUID("1f6b7a52-2c4e-4f83-b1d5-7f3e9c0a8d64")
PATIENT_ID_NAMESPACE = uuid.UUID("0c9f4f8e-6a3b-4c1e-9d2a-5b7e8f1a2c3d")


def appointment_id(site_id: str, natural_key: str) -> str:
    """The id of the appointment with this natural key: a redelivered booking computes the same one."""
    return str(uuid.uuid5(APPOINTMENT_ID_NAMESPACE, f"{site_id}:{natural_key}"))


def patient_document_id(site_id: str, patient_id: str) -> str:
    """The id of a site's patient record: a redelivered registration finds it taken."""
    return str(uuid.uuid5(PATIENT_ID_NAMESPACE, f"{site_id}:{patient_id}"))


class SchedulingStore(Store):
    COLLECTIONS = {
        GROUPS: Codec(instants=("created_at", "updated_at", "archived_at", "members.*.joined_at",
                                "waiting_list.*.joined_at")),
        SCHEDULES: Codec(
            instants=("created_at", "sessions.*.starts_at", "sessions.*.ends_at", "sessions.*.attendance.recorded_at",
                      "sessions.*.attendance_history.*.recorded_at", "sessions.*.updated_at",
                      "program_changes.*.applied_at"),
            dates=("start_date", "planned_end_date", "ended.date", "sessions.*.local_date",
                   "program_changes.*.effective_date", "program_changes.*.planned_end_date",
                   "intensity_below_minimum_weeks.*"),
        ),
        APPOINTMENTS: Codec(
            instants=("starts_at", "ends_at", "created_at", "history.*.at", "history.*.starts_at"),
            dates=("discharge_date",),
            booleans=("late", "booked_by_staff"),
        ),
        PATIENTS: Codec(instants=("registered_at",)),
        CALENDAR_LINKS: Codec(instants=("created_at", "revoked_at")),
        FOLLOW_UP_BOOKS: Codec(instants=("start", "end", "verified_at")),
    }

    # Groups emit no events; the relay reads the other two.
    OUTBOX_COLLECTIONS = (SCHEDULES, APPOINTMENTS)

    INDEXES = {
        GROUPS: [
            IndexModel([("site_id", ASCENDING), ("program", ASCENDING), ("archived_at", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("members.enrollment_id", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("waiting_list.enrollment_id", ASCENDING)]),
        ],
        SCHEDULES: [
            # The natural key that makes schedule generation idempotent: one schedule per enrollment.
            IndexModel([("site_id", ASCENDING), ("enrollment_id", ASCENDING)], unique=True,
                       name="one_schedule_per_enrollment"),
            IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("group_id", ASCENDING), ("group_placement", ASCENDING)]),
            # The intensity sweep's reach: schedules whose planned end is recent or to come.
            IndexModel([("site_id", ASCENDING), ("planned_end_date", ASCENDING)]),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
        APPOINTMENTS: [
            # e.g. "aftercare_follow_up:<enrollment_id>": exactly one follow-up per completion.
            IndexModel([("site_id", ASCENDING), ("natural_key", ASCENDING)], unique=True,
                       name="one_appointment_per_natural_key"),
            IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING), ("starts_at", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("kind", ASCENDING), ("status", ASCENDING), ("starts_at", ASCENDING)]),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
        PATIENTS: [IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING)])],
        CALENDAR_LINKS: [
            IndexModel([("token_digest", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("created_at", ASCENDING)]),
        ],
    }

    # Made by Store.__init__ from COLLECTIONS, one Documents per collection.
    groups: Documents
    schedules: Documents
    appointments: Documents
    patients: Documents
    calendar_links: Documents
    follow_up_books: Documents
