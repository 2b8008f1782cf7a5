"""The consents' codec: every date and instant a consent holds reads back typed, even as the database
stand-in returns a value written with ``$set`` and as dates are stored (``YYYY-MM-DD`` strings)."""
from datetime import date

from services.intake.store import CONSENTS
from services.intake.use_cases import consents
from tests.in_memory import as_the_stand_in_returns, strings_like_days, typed
from tests.unit.intake.support import register

TERMS = {"scope": ["all_records"], "recipient_id": "prov-1", "purpose": "treatment", "expires_on": date(2027, 1, 31),
         "signature": {"signed_by": "guardian", "signer": "guardian:rel-1", "signed_on": date(2026, 11, 20)}}


def a_revoked_and_an_active_consent(store, cause, site):
    patient_id = register(store, cause)["_id"]
    revoked = consents.grant(store, cause, site, patient_id, TERMS)
    consents.revoke(store, cause, site, revoked["_id"], {"revoked_on": date(2026, 11, 25)})
    consents.grant(store, cause, site, patient_id, {**TERMS, "expires_on": None, "expiry_event": "end_of_treatment"})


def test_every_value_of_a_consent_reads_back_typed_after_the_stand_in_degraded_it(store, cause, site):
    a_revoked_and_an_active_consent(store, cause, site)
    as_written = typed(store.consents.find({}))
    for raw in store.db[CONSENTS].find():
        store.db[CONSENTS].replace_one({"_id": raw["_id"]}, as_the_stand_in_returns(raw))
    assert typed(store.consents.find({})) == as_written


def test_no_date_of_a_consent_is_left_undeclared(store, cause, site):
    a_revoked_and_an_active_consent(store, cause, site)
    for document in store.consents.find({}, projection={"outbox": 0}):
        assert strings_like_days(document) == []
