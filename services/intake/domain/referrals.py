"""Inbound referrals: the way into an IOP, from a first call to an admission.

    received -> screening -> accepted -> admitted
        \\           \\           \\
         `-----------`-----------`--> declined   (a reason is required)

Decisions:
- No step is skipped: even an emergent referral is screened (the screening may take minutes),
  so every admission has a recorded screening. Allowing ``received -> accepted`` would be one
  entry in ``TRANSITIONS``.
- ``accepted -> declined`` is allowed: a clinically accepted patient can still not be admitted
  (they choose another program, coverage is refused, they cannot be reached). The reason says
  which.
- ``admitted`` and ``declined`` are final. A declined person who comes back is a new referral,
  so the history of the first one stays as it was.
- The reason is required for ``declined`` only; for other moves it is accepted and ignored here.
"""
from typing import Any

from shared.errors import Invalid, StateMachine

RECEIVED = "received"
SCREENING = "screening"
ACCEPTED = "accepted"
ADMITTED = "admitted"
DECLINED = "declined"
STATUSES: tuple[str, ...] = (RECEIVED, SCREENING, ACCEPTED, ADMITTED, DECLINED)
FINAL_STATUSES: frozenset[str] = frozenset({ADMITTED, DECLINED})

SOURCES: tuple[str, ...] = ("self", "primary_care", "hospital", "outpatient_provider", "court", "other")
URGENCIES: tuple[str, ...] = ("routine", "urgent", "emergent")

TRANSITIONS: dict[str, set[str]] = {
    RECEIVED: {SCREENING, DECLINED},
    SCREENING: {ACCEPTED, DECLINED},
    ACCEPTED: {ADMITTED, DECLINED},
    ADMITTED: set(),
    DECLINED: set(),
}
REFERRAL_MACHINE = StateMachine("referral", TRANSITIONS)


def check_referral_fields(source: Any, urgency: Any) -> None:
    """Refuse an unknown source or urgency on a new referral, both problems at once."""
    errors = {}
    if source not in SOURCES:
        errors["source"] = [f"must be one of: {', '.join(SOURCES)}"]
    if urgency not in URGENCIES:
        errors["urgency"] = [f"must be one of: {', '.join(URGENCIES)}"]
    if errors:
        raise Invalid(errors)


def transition(referral_status: str, to: Any, reason: str | None = None) -> str:
    """Check a move and return the new status.

    Raises ``Invalid`` ({"to": ...}) for a status that does not exist, ``IllegalTransition``
    (409) for a move the table refuses, then ``Invalid`` ({"reason": ...}) for a decline
    without a non-blank reason. The move is checked before the reason because a decline of an
    admitted referral is wrong whatever reason comes with it.
    """
    if to not in STATUSES:
        raise Invalid({"to": [f"must be one of: {', '.join(STATUSES)}"]})
    REFERRAL_MACHINE.check(referral_status, to)
    if to == DECLINED and (not isinstance(reason, str) or not reason.strip()):
        raise Invalid({"reason": ["a reason is required to decline a referral"]})
    return to
