"""The program catalog: site data (``site.programs``, shared/programs.py) that admissions and changes of
level of care are checked against."""
from shared.sites import Site


def list_programs(site: Site) -> list[dict]:
    """The site's programs, in the order its catalog lists them."""
    return [program.as_dict() for program in site.programs.values()]
