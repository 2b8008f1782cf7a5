"""Diagnoses on an enrollment: ICD-10-CM codes ranked, rank 1 the primary diagnosis.

Decisions:
- Codes are checked against the real ICD-10-CM code set, as the maintained package
  ``simple-icd-10-cm`` ships it (1.5: the April 2026 release). Only billable codes are accepted:
  the leaves of the classification (``F33.1``, ``F10.20``, ``S72.001A``), never a category or
  subcategory that has codes below it (``F33``, ``S72.001``), because a claim, TEDS and the treatment
  plan's problems need the code at its full specificity. The message names the codes below it.
- A code is given with or without its dot and kept dotted, as written on paper (``F331`` → ``F33.1``).
- A set is 1 to 12 diagnoses (the number a claim carries), exactly one of rank 1, ranks and codes
  unique; kept in rank order.
- Putting the same set again changes nothing and emits nothing; any other set replaces the
  current one, is appended to the history with who and when, and emits ``intake.diagnoses.updated``.
  An ended enrollment's diagnoses may still be corrected (coding is often completed after discharge).
"""
import functools
import warnings
from typing import Any

from shared.errors import Invalid
from shared.events.intake import diagnoses_updated
from shared.events.registry import DomainEvent

MAX_DIAGNOSES = 12
PRIMARY = 1


@functools.cache
def _code_set():
    """The ICD-10-CM code set, loaded on first use (about 2 s and 180 MB): a process that never
    checks a diagnosis never pays for it."""
    with warnings.catch_warnings():
        # The package reads its data with importlib.resources' legacy API, deprecated since 3.11.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

        return simple_icd_10_cm


def billable_code(code: str) -> str:
    """The dotted form of a billable ICD-10-CM code; ``ValueError`` saying why another is refused."""
    icd = _code_set()
    if not isinstance(code, str) or not icd.is_valid_item(code) or icd.is_chapter_or_block(code):
        raise ValueError(f"{code} is not an ICD-10-CM code")
    if not icd.is_leaf(code):
        below = icd.get_children(code)
        raise ValueError(f"{icd.add_dot(code)} is not billable: give one of the codes below it "
                         f"({', '.join(below[:6])}{', ...' if len(below) > 6 else ''})")
    return icd.add_dot(code)


def check_diagnoses(diagnoses: list[dict]) -> list[dict]:
    """``[{code, rank}]`` checked and normalised, in rank order; ``Invalid`` naming every problem at
    once, per item (``diagnoses.N.code``, ``diagnoses.N.rank``, N from 0) or for the set."""
    if not isinstance(diagnoses, list) or not 1 <= len(diagnoses) <= MAX_DIAGNOSES:
        raise Invalid({"diagnoses": [f"give 1 to {MAX_DIAGNOSES} diagnoses"]})
    errors: dict[str, list[str]] = {}
    checked, seen_codes, seen_ranks = [], {}, {}
    for index, diagnosis in enumerate(diagnoses):
        try:
            code = billable_code(diagnosis["code"])
        except ValueError as error:
            errors[f"diagnoses.{index}.code"] = [str(error)]
            continue
        rank = diagnosis["rank"]
        if code in seen_codes:
            errors[f"diagnoses.{index}.code"] = [f"{code} is already diagnosis {seen_codes[code]}"]
        if rank in seen_ranks:
            errors[f"diagnoses.{index}.rank"] = [f"rank {rank} is already given to diagnosis {seen_ranks[rank]}"]
        seen_codes.setdefault(code, index)
        seen_ranks.setdefault(rank, index)
        checked.append({"code": code, "rank": rank})
    if not errors and PRIMARY not in seen_ranks:
        errors["diagnoses"] = ["exactly one diagnosis must have rank 1, the primary diagnosis"]
    if errors:
        raise Invalid(errors)
    return sorted(checked, key=lambda diagnosis: diagnosis["rank"])


def update(enrollment: dict, diagnoses: list[dict], record: dict[str, Any]) -> tuple[dict, list[DomainEvent]] | None:
    """Put ``diagnoses`` on ``enrollment``: its changes and the ``intake.diagnoses.updated`` event, or
    None when the checked set is the one it already has. ``record`` ({at, by}) heads the history entry."""
    checked = check_diagnoses(diagnoses)
    if checked == (enrollment.get("diagnoses") or []):
        return None
    event = diagnoses_updated(enrollment_id=enrollment["_id"], patient_id=enrollment["patient_id"],
                              diagnoses=checked, primary_code=checked[0]["code"])
    history = [*(enrollment.get("diagnosis_history") or []), {**record, "diagnoses": checked}]
    return {"diagnoses": checked, "diagnosis_history": history}, [event]
