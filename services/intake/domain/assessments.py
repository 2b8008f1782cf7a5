"""Scoring of standardised assessments (PHQ-9, GAD-7) and progress against the baseline.

The server always scores: a client's total is never trusted. Every instrument is one entry in
``REGISTRY``; adding a third instrument means adding one ``Instrument(...)`` there, and the
checks in ``_check_instrument`` refuse an entry whose bands leave a gap at import time.

Decisions worth knowing:
- Items are numbered from 1 in error messages, as on the paper form ("item 9").
- Remission for GAD-7 uses the same "total below 5" as PHQ-9 (the top of its minimal band).
  DOMAIN.md only defines PHQ-9 remission; ``remission_below`` is per instrument, so a site
  that adopts another cut-off changes one number.
- Response is a drop of 50% or more from a baseline above 0; from a baseline of 0 there is
  nothing to respond with, so response is False and ``percent_change`` is None.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any, Iterable, Sequence

from shared.errors import Invalid
from shared.events.intake import assessment_recorded, risk_flagged
from shared.events.registry import DomainEvent

SUICIDAL_IDEATION = "suicidal_ideation"


@dataclass(frozen=True)
class SeverityBand:
    low: int
    high: int  # inclusive
    label: str


@dataclass(frozen=True)
class RiskRule:
    """Raise ``flag`` when the answer to item ``item_index`` (0-based) is above ``above``."""

    flag: str
    item_index: int
    above: int = 0


@dataclass(frozen=True)
class Instrument:
    code: str
    item_count: int
    bands: tuple[SeverityBand, ...]
    remission_below: int
    risk_rules: tuple[RiskRule, ...] = ()
    item_min: int = 0
    item_max: int = 3

    @property
    def max_total(self) -> int:
        return self.item_count * self.item_max

    def severity(self, total: int) -> str:
        for band in self.bands:
            if band.low <= total <= band.high:
                return band.label
        raise ValueError(f"{self.code} total {total} is outside 0-{self.max_total}")


def _check_instrument(instrument: Instrument) -> Instrument:
    """Fail at import on a registry entry that could score a total into no band or two."""
    expected_low = instrument.item_min * instrument.item_count
    for band in instrument.bands:
        if band.low != expected_low or band.high < band.low:
            raise ValueError(f"{instrument.code}: bands must be contiguous from {expected_low}")
        expected_low = band.high + 1
    if expected_low != instrument.max_total + 1:
        raise ValueError(f"{instrument.code}: bands must end at {instrument.max_total}")
    for rule in instrument.risk_rules:
        if not 0 <= rule.item_index < instrument.item_count:
            raise ValueError(f"{instrument.code}: risk rule on a missing item {rule.item_index}")
    return instrument


PHQ_9 = _check_instrument(
    Instrument(
        code="PHQ-9",
        item_count=9,
        bands=(
            SeverityBand(0, 4, "minimal"),
            SeverityBand(5, 9, "mild"),
            SeverityBand(10, 14, "moderate"),
            SeverityBand(15, 19, "moderately_severe"),
            SeverityBand(20, 27, "severe"),
        ),
        remission_below=5,
        # Item 9 asks about thoughts of self-harm; any answer above "not at all" must reach
        # a clinician the same day, whatever the total.
        risk_rules=(RiskRule(SUICIDAL_IDEATION, item_index=8, above=0),),
    )
)

GAD_7 = _check_instrument(
    Instrument(
        code="GAD-7",
        item_count=7,
        bands=(
            SeverityBand(0, 4, "minimal"),
            SeverityBand(5, 9, "mild"),
            SeverityBand(10, 14, "moderate"),
            SeverityBand(15, 21, "severe"),
        ),
        remission_below=5,  # a configurable choice, see the module docstring
    )
)

REGISTRY: dict[str, Instrument] = {i.code: i for i in (PHQ_9, GAD_7)}
INSTRUMENT_CODES: tuple[str, ...] = tuple(REGISTRY)


@dataclass(frozen=True)
class Score:
    instrument: str
    total_score: int
    severity: str
    risk_flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Progress:
    baseline: int
    latest: int
    change: int  # latest - baseline: negative is improvement
    percent_change: float | None  # rounded to 1 decimal; None from a baseline of 0
    response: bool
    remission: bool


def get_instrument(instrument_code: Any) -> Instrument:
    instrument = REGISTRY.get(instrument_code) if isinstance(instrument_code, str) else None
    if instrument is None:
        raise Invalid({"instrument": [f"must be one of: {', '.join(REGISTRY)}"]})
    return instrument


def _is_int(value: Any) -> bool:
    # bool is a subclass of int, but True is not an answer on a questionnaire.
    return isinstance(value, int) and not isinstance(value, bool)


def score(instrument_code: str, item_scores: Sequence[int]) -> Score:
    """Score one administration; raise ``Invalid`` (all problems at once) for bad input."""
    instrument = get_instrument(instrument_code)
    if not isinstance(item_scores, (list, tuple)):
        raise Invalid({"item_scores": ["must be a list of integers"]})

    messages = []
    if len(item_scores) != instrument.item_count:
        messages.append(
            f"{instrument.code} needs exactly {instrument.item_count} items, got {len(item_scores)}"
        )
    for number, value in enumerate(item_scores, start=1):
        if not _is_int(value):
            messages.append(f"item {number} must be an integer")
        elif not instrument.item_min <= value <= instrument.item_max:
            messages.append(
                f"item {number} must be between {instrument.item_min} and {instrument.item_max}"
            )
    if messages:
        raise Invalid({"item_scores": messages})

    total = sum(item_scores)
    flags = [rule.flag for rule in instrument.risk_rules if item_scores[rule.item_index] > rule.above]
    return Score(instrument.code, total, instrument.severity(total), flags)


def record(assessment_id: str, patient_id: str, enrollment_id: str | None, instrument_code: str,
           item_scores: Sequence[int]) -> tuple[Score, list[DomainEvent]]:
    """Score an administration and return the score and the events recording it causes:
    ``intake.assessment.recorded``, and ``intake.risk.flagged`` when a risk flag is raised."""
    result = score(instrument_code, item_scores)
    about = {"assessment_id": assessment_id, "patient_id": patient_id, "enrollment_id": enrollment_id,
             "instrument": result.instrument}
    events = [assessment_recorded(**about, total_score=result.total_score, severity=result.severity,
                                  risk_flags=result.risk_flags)]
    if result.risk_flags:
        events.append(risk_flagged(**about, risk_flags=result.risk_flags))
    return result, events


def _check_total(instrument: Instrument, field_name: str, total: Any) -> list[str]:
    if not _is_int(total):
        return [f"{field_name} must be an integer"]
    if not 0 <= total <= instrument.max_total:
        return [f"{field_name} must be between 0 and {instrument.max_total} for {instrument.code}"]
    return []


def progress(baseline_total: int, latest_total: int, instrument_code: str) -> Progress:
    instrument = get_instrument(instrument_code)
    errors = {
        name: messages
        for name, total in (("baseline_total", baseline_total), ("latest_total", latest_total))
        if (messages := _check_total(instrument, name, total))
    }
    if errors:
        raise Invalid(errors)

    change = latest_total - baseline_total
    if baseline_total == 0:
        percent_change, response = None, False
    else:
        percent_change = round(change * 100 / baseline_total, 1)
        # Integer arithmetic so that exactly half counts as a response without float doubt.
        response = 2 * latest_total <= baseline_total
    return Progress(
        baseline=baseline_total,
        latest=latest_total,
        change=change,
        percent_change=percent_change,
        response=response,
        remission=latest_total < instrument.remission_below,
    )


def _local_date(instant: datetime, tz: tzinfo | None) -> date:
    if not isinstance(instant, datetime) or instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("administered_at must be a timezone-aware datetime")
    return (instant.astimezone(tz) if tz is not None else instant).date()


def summarize_history(
    assessments: Iterable[dict],
    enrollment_start: date | None,
    tz: tzinfo | None = None,
) -> list[dict]:
    """Progress per instrument over a patient's assessments, in ``REGISTRY`` order.

    Each assessment is ``{instrument, total_score, administered_at}``. The baseline is the
    first assessment administered on or after ``enrollment_start`` (the enrollment's first
    evaluation); when there is none, or no start is given, the first assessment overall.
    ``latest`` is the most recent assessment overall. ``tz`` is the site's timezone: the start
    date is a site-local date, so instants are compared in it (their own offset when None).
    Assessments at the same instant keep their input order. ``count`` counts every assessment
    of the instrument given: the caller chooses the window by what it passes in.
    """
    by_instrument: dict[str, list[dict]] = {}
    for assessment in assessments:
        instrument = get_instrument(assessment["instrument"])
        _local_date(assessment["administered_at"], tz)  # refuses naive instants early
        by_instrument.setdefault(instrument.code, []).append(assessment)

    summaries = []
    for code in REGISTRY:
        history = sorted(by_instrument.get(code, []), key=lambda a: a["administered_at"])
        if not history:
            continue
        in_enrollment = [
            a
            for a in history
            if enrollment_start is not None
            and _local_date(a["administered_at"], tz) >= enrollment_start
        ]
        baseline = in_enrollment[0] if in_enrollment else history[0]
        latest = history[-1]
        result = progress(baseline["total_score"], latest["total_score"], code)
        summaries.append(
            {
                "instrument": code,
                "baseline": result.baseline,
                "baseline_administered_at": baseline["administered_at"],
                "latest": result.latest,
                "latest_administered_at": latest["administered_at"],
                "change": result.change,
                "percent_change": result.percent_change,
                "response": result.response,
                "remission": result.remission,
                "count": len(history),
            }
        )
    return summaries
