"""Scoring of standardised assessments (PHQ-9, GAD-7, C-SSRS screener, PCL-5, AUDIT) and progress
against the episode's baseline.

The server always scores: a client's total is never trusted. Every instrument is one entry in
``REGISTRY``; adding an instrument means adding one ``Instrument(...)`` there, and the checks in
``_check_instrument`` refuse an entry whose bands leave a gap at import time.

Decisions worth knowing:
- Items are numbered from 1 in error messages, as on the paper form ("item 9").
- An answer outside an item's choices is refused; an answer is never dropped for the form's skip
  logic (a "yes" to C-SSRS item 4 after a "no" to item 2 still counts: risk is not discarded).
- Response (a drop of 50 % or more) and remission are reported only where a measure defines them:
  PHQ-9 from a baseline of 10 or more (NQF 0710 / HEDIS DRR-E: "depression remission or response"
  counts patients whose index PHQ-9 is above 9; remission is a PHQ-9 below 5). Otherwise both are
  None and ``not_applicable_reason`` says why. GAD-7 keeps the same cut-offs from any baseline
  above 0 (no national measure defines them; ``remission_below`` is per instrument). PCL-5 and
  AUDIT report change only.
- A screen (the C-SSRS) has no total to improve: its total is the number of "yes" answers, its
  severity the risk level it triages, and it is left out of progress summaries.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Callable, Iterable, Sequence

from shared.errors import Invalid
from shared.events.intake import assessment_recorded, risk_flagged
from shared.events.registry import DomainEvent

SUICIDAL_IDEATION = "suicidal_ideation"
SUICIDE_RISK = "suicide_risk"
# Risk levels of the C-SSRS screener's triage (shared/events/codes.py RISK_LEVELS).
NO_RISK, LOW_RISK, MODERATE_RISK, HIGH_RISK = "none", "low", "moderate", "high"


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
class RiskScreen:
    """An instrument whose answers triage a risk level: ``level(items)``; ``flag`` is raised for the
    levels in ``flagged_levels`` (a positive screen)."""

    level: Callable[[Sequence[int]], str]
    flag: str
    flagged_levels: tuple[str, ...]


@dataclass(frozen=True)
class Instrument:
    code: str
    item_count: int
    bands: tuple[SeverityBand, ...]
    remission_below: int | None  # None: no remission (nor response) measure is defined
    risk_rules: tuple[RiskRule, ...] = ()
    item_min: int = 0
    item_max: int = 3
    # The answers of each item when not every value from item_min to item_max is one (AUDIT 9-10).
    item_choices: tuple[tuple[int, ...], ...] = ()
    # Response and remission only from a baseline of at least this (PHQ-9: 10, NQF 0710).
    outcome_baseline_min: int = 0
    screen: RiskScreen | None = None

    @property
    def max_total(self) -> int:
        return self.item_count if self.screen else self.item_count * self.item_max

    @property
    def tracks_progress(self) -> bool:
        return self.screen is None

    def choices(self, index: int) -> tuple[int, ...]:
        return self.item_choices[index] if self.item_choices else tuple(range(self.item_min, self.item_max + 1))

    def total(self, items: Sequence[int]) -> int:
        return sum(1 for answer in items if answer > 0) if self.screen else sum(items)

    def severity(self, total: int, items: Sequence[int] = ()) -> str:
        if self.screen is not None:
            return self.screen.level(items)
        for band in self.bands:
            if band.low <= total <= band.high:
                return band.label
        raise ValueError(f"{self.code} total {total} is outside 0-{self.max_total}")


def _check_instrument(instrument: Instrument) -> Instrument:
    """Fail at import on a registry entry that could score a total into no band or two, or whose
    rules name items it does not have."""
    if instrument.item_choices and len(instrument.item_choices) != instrument.item_count:
        raise ValueError(f"{instrument.code}: item_choices must list every item's answers")
    if any(not instrument.item_min <= answer <= instrument.item_max
           for choices in instrument.item_choices for answer in choices):
        raise ValueError(f"{instrument.code}: every choice must lie within item_min..item_max")
    if instrument.screen is None:
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
        # NQF 0710 / HEDIS DRR-E: response and remission count only from an index PHQ-9 above 9.
        outcome_baseline_min=10,
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


def cssrs_risk_level(items: Sequence[int]) -> str:
    """The C-SSRS screener's triage (Columbia Lighthouse Project, "C-SSRS Screener – Recent, with triage
    colors", 2021; Posner et al., Am J Psychiatry 2011): items 1-5 are the past month's ideation
    (wish to be dead, suicidal thoughts, thoughts of a method, intent, a plan with intent), item 6
    is lifetime behaviour, answered 0 no, 1 yes more than 3 months ago, 2 yes within the past 3 months.

    High (red): item 4 or 5 yes, or behaviour within the past 3 months. Moderate (orange): item 3
    yes, or behaviour more than 3 months ago. Low (yellow): item 1 or 2 yes only. None: every answer no.
    """
    wish, thoughts, method, intent, plan, behaviour = items
    if intent or plan or behaviour == 2:
        return HIGH_RISK
    if method or behaviour == 1:
        return MODERATE_RISK
    if wish or thoughts:
        return LOW_RISK
    return NO_RISK


C_SSRS = _check_instrument(
    Instrument(
        code="C-SSRS",
        item_count=6,
        bands=(),
        remission_below=None,
        item_max=2,
        item_choices=((0, 1),) * 5 + ((0, 1, 2),),
        # A positive screen (moderate or high) calls for the same-day suicide-risk assessment.
        screen=RiskScreen(cssrs_risk_level, SUICIDE_RISK, flagged_levels=(MODERATE_RISK, HIGH_RISK)),
    )
)

PCL_5 = _check_instrument(
    Instrument(
        code="PCL-5",
        item_count=20,
        item_max=4,
        # National Center for PTSD: a total of 31-33 or more suggests PTSD; 33 is the provisional cut-point.
        bands=(SeverityBand(0, 32, "below_threshold"), SeverityBand(33, 80, "provisional_ptsd")),
        remission_below=None,
    )
)

AUDIT = _check_instrument(
    Instrument(
        code="AUDIT",
        item_count=10,
        item_max=4,
        # Items 9 and 10 answer no (0), yes but not in the last year (2), yes during the last year (4).
        item_choices=((0, 1, 2, 3, 4),) * 8 + ((0, 2, 4),) * 2,
        # The WHO manual's risk zones (Babor et al., 2001): I 0-7, II 8-15, III 16-19, IV 20-40.
        bands=(
            SeverityBand(0, 7, "low_risk"),
            SeverityBand(8, 15, "hazardous"),
            SeverityBand(16, 19, "harmful"),
            SeverityBand(20, 40, "possible_dependence"),
        ),
        remission_below=None,
    )
)

REGISTRY: dict[str, Instrument] = {i.code: i for i in (PHQ_9, GAD_7, C_SSRS, PCL_5, AUDIT)}
INSTRUMENT_CODES: tuple[str, ...] = tuple(REGISTRY)


@dataclass(frozen=True)
class Score:
    instrument: str
    total_score: int
    severity: str
    risk_flags: list[str] = field(default_factory=list)
    risk_level: str | None = None  # a screen's triage (C-SSRS); None for other instruments


@dataclass(frozen=True)
class Progress:
    baseline: int
    latest: int
    change: int  # latest - baseline: negative is improvement
    percent_change: float | None  # rounded to 1 decimal; None from a baseline of 0
    response: bool | None  # None: not applicable, see not_applicable_reason
    remission: bool | None
    not_applicable_reason: str | None = None


def get_instrument(instrument_code: Any) -> Instrument:
    instrument = REGISTRY.get(instrument_code) if isinstance(instrument_code, str) else None
    if instrument is None:
        raise Invalid({"instrument": [f"must be one of: {', '.join(REGISTRY)}"]})
    return instrument


def _is_int(value: Any) -> bool:
    # bool is a subclass of int, but True is not an answer on a questionnaire.
    return isinstance(value, int) and not isinstance(value, bool)


def _item_problems(instrument: Instrument, item_scores: Sequence[Any]) -> list[str]:
    messages = []
    if len(item_scores) != instrument.item_count:
        messages.append(f"{instrument.code} needs exactly {instrument.item_count} items, got {len(item_scores)}")
    for number, value in enumerate(item_scores, start=1):
        if not _is_int(value):
            messages.append(f"item {number} must be an integer")
        elif instrument.item_choices and number <= instrument.item_count:
            if value not in (choices := instrument.choices(number - 1)):
                messages.append(f"item {number} must be one of {', '.join(map(str, choices))}")
        elif not instrument.item_min <= value <= instrument.item_max:
            messages.append(f"item {number} must be between {instrument.item_min} and {instrument.item_max}")
    return messages


def score(instrument_code: str, item_scores: Sequence[int]) -> Score:
    """Score one administration; raise ``Invalid`` (all problems at once) for bad input."""
    instrument = get_instrument(instrument_code)
    if not isinstance(item_scores, (list, tuple)):
        raise Invalid({"item_scores": ["must be a list of integers"]})
    messages = _item_problems(instrument, item_scores)
    if messages:
        raise Invalid({"item_scores": messages})

    total = instrument.total(item_scores)
    severity = instrument.severity(total, item_scores)
    flags = [rule.flag for rule in instrument.risk_rules if item_scores[rule.item_index] > rule.above]
    screen = instrument.screen
    if screen is not None and severity in screen.flagged_levels:
        flags.append(screen.flag)
    return Score(instrument.code, total, severity, flags, severity if screen else None)


def record(assessment_id: str, patient_id: str, enrollment_id: str | None, instrument_code: str,
           item_scores: Sequence[int]) -> tuple[Score, list[DomainEvent]]:
    """Score an administration and return the score and the events recording it causes:
    ``intake.assessment.recorded``, and ``intake.risk.flagged`` when a risk flag is raised (with the
    screen's risk level, for the C-SSRS)."""
    result = score(instrument_code, item_scores)
    about = {"assessment_id": assessment_id, "patient_id": patient_id, "enrollment_id": enrollment_id,
             "instrument": result.instrument}
    events = [assessment_recorded(**about, total_score=result.total_score, severity=result.severity,
                                  risk_flags=result.risk_flags)]
    if result.risk_flags:
        events.append(risk_flagged(**about, risk_flags=result.risk_flags, risk_level=result.risk_level))
    return result, events


def _check_total(instrument: Instrument, field_name: str, total: Any) -> list[str]:
    if not _is_int(total):
        return [f"{field_name} must be an integer"]
    if not 0 <= total <= instrument.max_total:
        return [f"{field_name} must be between 0 and {instrument.max_total} for {instrument.code}"]
    return []


def _not_applicable(instrument: Instrument, baseline_total: int) -> str | None:
    if not instrument.tracks_progress or instrument.remission_below is None:
        return f"no response or remission measure is defined for {instrument.code}"
    if baseline_total < instrument.outcome_baseline_min:
        return f"baseline {instrument.code} below {instrument.outcome_baseline_min}"
    return None


def progress(baseline_total: int, latest_total: int, instrument_code: str) -> Progress:
    """Change from the baseline, and response and remission where the instrument's measure applies."""
    instrument = get_instrument(instrument_code)
    errors = {
        name: messages
        for name, total in (("baseline_total", baseline_total), ("latest_total", latest_total))
        if (messages := _check_total(instrument, name, total))
    }
    if errors:
        raise Invalid(errors)

    change = latest_total - baseline_total
    percent_change = None if baseline_total == 0 else round(change * 100 / baseline_total, 1)
    reason = _not_applicable(instrument, baseline_total)
    if reason is not None:
        return Progress(baseline_total, latest_total, change, percent_change, None, None, reason)
    # From a baseline of 0 there is nothing to respond with. Integer arithmetic, so that exactly
    # half counts as a response without float doubt.
    response = baseline_total > 0 and 2 * latest_total <= baseline_total
    return Progress(baseline_total, latest_total, change, percent_change, response,
                    latest_total < instrument.remission_below)


def local_date(instant: datetime, tz: tzinfo | None) -> date:
    if not isinstance(instant, datetime) or instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("administered_at must be a timezone-aware datetime")
    return (instant.astimezone(tz) if tz is not None else instant).date()


# Where a summary's baseline came from.
FROM_ENROLLMENT = "enrollment"  # the first assessment of the episode, on or after admission
FROM_EVALUATION = "pre_admission_evaluation"  # an evaluation within the window before admission
FROM_FIRST_RECORDED = "first_recorded"  # none in the episode (or no episode): the first one recorded


@dataclass(frozen=True)
class Episode:
    """The enrollment progress is measured in: its id, its first and (once ended) last day, and how
    many days before admission an evaluation still sets its baseline (site setting)."""

    enrollment_id: str
    start: date
    end: date | None = None
    baseline_window_days: int = 30

    def holds(self, assessment: dict, tz: tzinfo | None) -> bool:
        """Whether an assessment belongs to the episode: it names the enrollment, or it names none and
        was administered from ``baseline_window_days`` before admission to the episode's end."""
        named = assessment.get("enrollment_id")
        if named is not None:
            return named == self.enrollment_id
        day = local_date(assessment["administered_at"], tz)
        return self.start - timedelta(days=self.baseline_window_days) <= day and (self.end is None or day <= self.end)


def _baseline(history: list[dict], episode: Episode | None, tz: tzinfo | None) -> tuple[dict, str]:
    in_episode = [a for a in history if episode is not None and episode.holds(a, tz)]
    if not in_episode:
        return history[0], FROM_FIRST_RECORDED
    first = in_episode[0]
    before = local_date(first["administered_at"], tz) < episode.start
    return first, FROM_EVALUATION if before else FROM_ENROLLMENT


def summarize_history(assessments: Iterable[dict], episode: Episode | None, tz: tzinfo | None = None) -> list[dict]:
    """Progress per instrument over a patient's assessments, in ``REGISTRY`` order; screens (C-SSRS)
    are left out.

    Each assessment is ``{instrument, total_score, administered_at, enrollment_id?}``. The baseline
    is the first assessment of the episode (see :meth:`Episode.holds`): an evaluation recorded within
    the window before admission, else the first of the enrollment; when the episode has none, or
    there is no episode, the first assessment recorded. ``latest`` is the most recent assessment
    overall and ``count`` counts them all. ``tz`` is the site's timezone: dates are site-local, so
    instants are compared in it (their own offset when None). Assessments at the same instant keep
    their input order.
    """
    by_instrument: dict[str, list[dict]] = {}
    for assessment in assessments:
        instrument = get_instrument(assessment["instrument"])
        local_date(assessment["administered_at"], tz)  # refuses naive instants early
        by_instrument.setdefault(instrument.code, []).append(assessment)

    summaries = []
    for code, instrument in REGISTRY.items():
        history = sorted(by_instrument.get(code, []), key=lambda a: a["administered_at"])
        if not history or not instrument.tracks_progress:
            continue
        baseline, source = _baseline(history, episode, tz)
        latest = history[-1]
        result = progress(baseline["total_score"], latest["total_score"], code)
        summaries.append({
            "instrument": code,
            "baseline": result.baseline,
            "baseline_administered_at": baseline["administered_at"],
            "baseline_source": source,
            "latest": result.latest,
            "latest_administered_at": latest["administered_at"],
            "change": result.change,
            "percent_change": result.percent_change,
            "response": result.response,
            "remission": result.remission,
            "not_applicable_reason": result.not_applicable_reason,
            "count": len(history),
        })
    return summaries
