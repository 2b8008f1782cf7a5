"""Enumerations that are part of the event contract, written once: producers validate against them,
and services that accept the same codes over HTTP check them here too."""

# How an enrollment ended (TEDS-D shaped). ``completed`` is the one that starts the step-down plan.
# ``death`` and ``incarcerated`` were added in the second round (TEDS-D's reasons for discharge).
OUTCOMES: tuple[str, ...] = ("completed", "against_advice", "administrative", "transferred", "other", "death",
                             "incarcerated")
COMPLETED = "completed"

# A suicide-risk level, as the C-SSRS screener triages it (intake.risk.flagged's ``risk_level``).
RISK_LEVELS: tuple[str, ...] = ("none", "low", "moderate", "high")

# The next level of care a step-down or a referral names.
LEVELS_OF_CARE: tuple[str, ...] = (
    "outpatient_therapy",
    "psychiatry",
    "php",  # partial hospitalization
    "residential",
    "mat",  # medication for addiction treatment
    "peer_support",
    "primary_care",
    "other",
)
