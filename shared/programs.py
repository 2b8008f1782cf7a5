"""The program catalog: site data every service checks program codes against (issue 10).

A site lists its programs in the sites file under ``programs`` (a list of objects with the fields
of :class:`Program`); a site without the key gets :data:`DEFAULT_PROGRAMS`. Levels of care follow
ASAM (``1`` outpatient, ``2.1`` intensive outpatient, ``2.5`` partial hospitalization); weekly
minimum hours are what a week must reach in attended hours (DOMAIN.md: 9 for adult IOP, 6 for
adolescent IOP, 20 for PHP). ``cadence`` is what scheduling generates besides the group's
meetings (scheduling reads it) and, as ``phq9_every_weeks``, how often intake expects a PHQ-9.
"""
from dataclasses import asdict, dataclass, field

POPULATIONS = ("adult", "adolescent")
LEVELS_OF_CARE = ("1", "2.1", "2.5")


class ProgramCatalogError(ValueError):
    """A site's programs entry is malformed (a configuration error, reported at start)."""


@dataclass(frozen=True)
class Program:
    code: str
    name: str
    level_of_care: str
    population: str
    substance_use: bool
    planned_weeks: int
    weekly_minimum_hours: float
    min_weeks: int = 1
    max_weeks: int = 26
    cadence: dict = field(default_factory=lambda: {"individual_per_week": 1, "medication_check_in_every_weeks": 2})

    def as_dict(self) -> dict:
        return asdict(self)


DEFAULT_PROGRAMS: tuple[Program, ...] = (
    Program("mh-adult", "Adult mental health IOP", "2.1", "adult", False, planned_weeks=8, weekly_minimum_hours=9,
            min_weeks=4),
    Program("sud-adult", "Adult substance use IOP", "2.1", "adult", True, planned_weeks=12, weekly_minimum_hours=9,
            min_weeks=4),
    Program("adolescent", "Adolescent IOP", "2.1", "adolescent", False, planned_weeks=10, weekly_minimum_hours=6,
            min_weeks=4),
    Program("php-adult", "Adult partial hospitalization", "2.5", "adult", False, planned_weeks=4,
            weekly_minimum_hours=20),
    Program("op-adult", "Adult outpatient", "1", "adult", False, planned_weeks=12, weekly_minimum_hours=1,
            cadence={"individual_per_week": 1, "medication_check_in_every_weeks": 4}),
)


def parse_catalog(entries) -> dict[str, Program]:
    """A site's ``programs`` entry as a catalog keyed by code; None gives the defaults."""
    if entries is None:
        return {program.code: program for program in DEFAULT_PROGRAMS}
    if not isinstance(entries, list) or not entries:
        raise ProgramCatalogError("programs must be a non-empty list")
    catalog: dict[str, Program] = {}
    for index, entry in enumerate(entries):
        program = _parse_program(entry, f"programs[{index}]")
        if program.code in catalog:
            raise ProgramCatalogError(f"program '{program.code}' is listed twice")
        catalog[program.code] = program
    return catalog


def _parse_program(entry, where: str) -> Program:
    known = set(Program.__dataclass_fields__)
    if not isinstance(entry, dict):
        raise ProgramCatalogError(f"{where} must be an object")
    unknown = set(entry) - known
    if unknown:
        raise ProgramCatalogError(f"{where}: unknown fields {sorted(unknown)}")
    try:
        program = Program(**entry)
    except TypeError as error:
        raise ProgramCatalogError(f"{where}: {error}") from error
    problems = [
        message for ok, message in (
            (isinstance(program.code, str) and program.code.replace("-", "").replace("_", "").isalnum(),
             "code must be letters, digits, - or _"),
            (program.level_of_care in LEVELS_OF_CARE, f"level_of_care must be one of {LEVELS_OF_CARE}"),
            (program.population in POPULATIONS, f"population must be one of {POPULATIONS}"),
            (isinstance(program.substance_use, bool), "substance_use must be true or false"),
            (_whole(program.min_weeks) and _whole(program.max_weeks) and 1 <= program.min_weeks <= program.max_weeks,
             "min_weeks and max_weeks must be whole weeks, 1 <= min <= max"),
            (_whole(program.planned_weeks) and program.min_weeks <= program.planned_weeks <= program.max_weeks,
             "planned_weeks must lie within min_weeks..max_weeks"),
            (isinstance(program.weekly_minimum_hours, (int, float)) and not isinstance(program.weekly_minimum_hours, bool)
             and program.weekly_minimum_hours >= 0, "weekly_minimum_hours must be a number of hours, 0 or more"),
            (isinstance(program.cadence, dict), "cadence must be an object"),
        ) if not ok
    ]
    if problems:
        raise ProgramCatalogError(f"{where} ({entry.get('code')}): {'; '.join(problems)}")
    return program


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
