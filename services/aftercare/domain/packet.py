"""The referral packet: what the receiving provider gets about the patient, composed at request time.

Aftercare holds the plan, its tasks (the relapse-prevention plan among them), the referral and the
provider. The rest belongs to other services and is read from their APIs when the packet is asked
for (intake: the patient, the enrollment and its diagnoses, the safety plans; medication: the
reconciliation and the orders stopped during the program; scheduling: the follow-up appointment;
treatment: the text of the objectives carried over as aftercare goals). Every part is either
``present`` with its data, ``missing`` with the reason it could not be read, or, for a Part 2
program, ``withheld`` when the consent's scope does not name it (§2.31(a)(3): how much and what
kind of information): a part is never silently left out.

These functions are pure: they take what was read (a :class:`Read`, an answer or the reason
there is none) and shape the parts.
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.aftercare.domain.consents import PART2_NOTICE, PART2_NOTICE_SOURCE, consent_explanation
from shared.other_services import Read

VIEWS = ("full", "medication_list")
FULL_PARTS = ("patient", "program", "diagnoses", "aftercare_plan", "follow_up_appointment", "relapse_prevention_plan",
              "safety_plan", "medications", "stopped_medications", "goals")
MEDICATION_LIST_PARTS = ("patient", "program", "medications", "stopped_medications")
PATIENT_FIELDS = ("id", "mrn", "given_name", "family_name", "birth_date", "phone", "email")

# What each part discloses, as the scope codes of a consent (intake's): under a Part 2 consent a part
# is held only when the scope names one of its codes, or the whole packet. The patient's identity and
# the program are what any disclosure under a consent discloses, so they are always held.
WHOLE_PACKET = frozenset({"referral_packet", "all_records"})
PART_SCOPES = {
    "diagnoses": {"diagnoses"},
    "medications": {"medications"},
    "stopped_medications": {"medications"},
    "aftercare_plan": {"treatment_plan"},
    "follow_up_appointment": {"treatment_plan"},
    "relapse_prevention_plan": {"treatment_plan"},
    "safety_plan": {"treatment_plan"},
    "goals": {"treatment_plan", "discharge_summary"},
}


def present(data) -> dict:
    return {"status": "present", "data": data}


def missing(reason: str, known=None) -> dict:
    """A part that could not be read; ``known`` is what aftercare itself knows of it (e.g. ids)."""
    part = {"status": "missing", "reason": reason}
    if known is not None:
        part["data"] = known
    return part


def withheld_parts(consent: dict | None, view: str) -> dict[str, dict]:
    """The parts a Part 2 consent's scope does not name, each as it is shown: withheld, and why."""
    if consent is None:
        return {}
    scope = set(consent.get("scope") or [])
    if scope & WHOLE_PACKET:
        return {}
    reason = f"outside the scope of consent {consent['consent_id']} ({', '.join(sorted(scope)) or 'nothing'})"
    return {name: {"status": "withheld", "reason": reason} for name in parts_of(view)
            if name in PART_SCOPES and not PART_SCOPES[name] & scope}


def parts_of(view: str) -> tuple[str, ...]:
    return FULL_PARTS if view == "full" else MEDICATION_LIST_PARTS


def patient_part(read: Read) -> dict:
    if not read.ok:
        return missing(read.failure)
    return present({key: read.answer.get(key) for key in PATIENT_FIELDS if key in read.answer})


def program_part(plan: dict, program, enrollment: Read, admission: dict | None) -> dict:
    """The program and its dates: what aftercare knows (program, discharge) and the start date
    from intake's enrollment, or from the admission aftercare heard of."""
    start = enrollment.answer.get("start_date") if enrollment.ok else None
    if start is None and admission:
        start = admission["start_date"].isoformat()
    return present({"code": plan["program"], "name": program.name if program else None,
                    "level_of_care": program.level_of_care if program else None,
                    "substance_use": bool(program.substance_use) if program else None,
                    "start_date": start, "discharge_date": plan["discharge_date"].isoformat(),
                    "outcome": plan["outcome"]})


def diagnoses_part(enrollment: Read) -> dict:
    if not enrollment.ok:
        return missing(enrollment.failure)
    if "diagnoses" not in enrollment.answer:
        return missing("intake's enrollment answer carries no diagnoses")
    return present(sorted(enrollment.answer["diagnoses"] or [], key=lambda diagnosis: diagnosis.get("rank", 0)))


def latest_safety_plan_part(read: Read) -> dict:
    """The patient's safety plan in force: the latest version intake holds (None when none was written)."""
    if not read.ok:
        return missing(read.failure)
    plans = read.answer if isinstance(read.answer, list) else []
    if not plans:
        return present(None)
    return present(max(plans, key=lambda plan: (plan.get("version") or 0, plan.get("created_at") or "")))


def follow_up_appointment_part(read: Read, enrollment_id: str) -> dict:
    """The enrollment's follow-up appointment as scheduling holds it now (a cancelled one only when
    there is no other)."""
    if not read.ok:
        return missing(read.failure)
    mine = [appointment for appointment in read.answer if appointment.get("enrollment_id") == enrollment_id]
    if not mine:
        return present(None)
    return present(max(mine, key=lambda appointment: (appointment.get("status") != "cancelled",
                                                      appointment.get("starts_at") or "")))


def medications_part(read: Read) -> dict:
    if not read.ok:
        return missing(read.failure)
    if not read.answer:
        return missing("medication has not reconciled this enrollment's medications yet")
    reconciliation = read.answer[0]
    return present({key: reconciliation.get(key) for key in ("id", "completed_at", "discharge_date", "medications")})


def stopped_medications_part(read: Read, start: date | None, discharge: date, zone: ZoneInfo) -> dict:
    """The orders discontinued during the program: from its start (when known) to its discharge day."""
    if not read.ok:
        return missing(read.failure)
    stopped = []
    for order in read.answer:
        when = order.get("discontinued_at")
        day = datetime.fromisoformat(when).astimezone(zone).date() if when else None
        if day is not None and (start is None or start <= day) and day <= discharge:
            stopped.append({key: order.get(key) for key in ("id", "medication", "dose", "route", "frequency",
                                                            "prescriber", "start_date", "discontinued_at")})
    return present(sorted(stopped, key=lambda order: (order["discontinued_at"], order["id"])))


def goals_part(plan: dict, summary: Read | None) -> dict:
    """The objectives the discharge summary left unmet, carried over as aftercare goals, with their
    text from treatment."""
    goals = plan.get("goals") or []
    if not goals:
        return present([])
    ids = [goal["objective_id"] for goal in goals]
    if summary is None or not summary.ok:
        return missing(summary.failure if summary else "no discharge summary is known", known={"objective_ids": ids})
    objectives = {objective.get("objective_id"): objective for objective in summary.answer.get("objectives") or []}
    return present([{"objective_id": objective_id, **{key: objectives.get(objective_id, {}).get(key) for key in
                                                      ("description", "target_date", "measure", "progress")}}
                    for objective_id in ids])


def plan_part(plan: dict, tasks: list[dict]) -> dict:
    follow_up = plan["follow_up"]
    return present({
        "id": plan["_id"], "template": plan["template"], "status": plan["status"], "outcome": plan["outcome"],
        "discharge_date": plan["discharge_date"].isoformat(),
        "tasks": [{"kind": task["kind"], "due_date": task["due_date"].isoformat(), "status": task["status"],
                   "owner_role": task["owner_role"]} for task in tasks],
        "follow_up": {"appointment_id": follow_up["appointment_id"], "due_date": _iso(follow_up["due_date"]),
                      "met_on": _iso(follow_up["met_on"])},
        "discharge_summary_id": (plan.get("discharge_summary") or {}).get("summary_id"),
    })


def relapse_prevention_part(tasks: list[dict]) -> dict:
    task = next((task for task in tasks if task["kind"] == "relapse_prevention_plan"), None)
    if task is None:
        return present(None)
    return present({"status": task["status"], "sections": (task.get("content") or {}).get("sections", [])})


def packet(*, referral: dict, provider: dict | None, site, view: str, parts: dict, part2: bool,
           consent: dict | None, generated_at: datetime, disclosure_id: str) -> dict:
    """The packet as answered, in JSON or as the printable page."""
    chosen = parts_of(view)
    return {
        "referral": {key: referral.get(key) for key in ("level_of_care", "status", "provider_id", "plan_id",
                                                         "enrollment_id", "patient_id")} | {"id": referral["_id"]},
        "provider": None if provider is None else {
            "id": provider["_id"], **{key: provider.get(key) for key in ("name", "npi", "address", "phone",
                                                                         "accepts_electronic_referrals")}},
        "site": {"id": site.id, "name": site.name},
        "view": view,
        "generated_at": generated_at,
        "part2": part2,
        "notice": {"text": PART2_NOTICE, "source": PART2_NOTICE_SOURCE} if part2 else None,
        "consent": consent_explanation(consent),
        "disclosure_id": disclosure_id,
        "parts": {name: parts[name] for name in chosen},
        "missing": [{"part": name, "reason": parts[name]["reason"]} for name in chosen
                    if parts[name]["status"] == "missing"],
        "withheld": [name for name in chosen if parts[name]["status"] == "withheld"],
    }


def disclosed_parts(packet_answer: dict) -> list[str]:
    """What the packet disclosed: the parts it holds data of."""
    return [name for name, part in packet_answer["parts"].items() if part["status"] == "present" and part["data"]]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
