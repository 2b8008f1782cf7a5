"""Enumerations that are part of the event contract, written once: producers validate against them,
and services that accept the same codes over HTTP check them here too."""

# How an enrollment ended (TEDS-D shaped). ``completed`` is the one that starts the step-down plan.
OUTCOMES: tuple[str, ...] = ("completed", "against_advice", "administrative", "transferred", "other")
COMPLETED = "completed"

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
