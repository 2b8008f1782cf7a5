"""The program catalog of the caller's site: what admissions and changes of level of care accept."""
from flask_smorest import Blueprint

from services.intake.api.schemas import Program
from services.intake.use_cases.programs import list_programs
from shared.http.current import current_site
from shared.http.pagination import page_of_list

blp = Blueprint("programs", __name__, url_prefix="/v1/programs",
                description="The site's program catalog: codes, levels of care, lengths and cadences.")


@blp.route("", methods=["GET"])
@blp.response(200, Program(many=True))
@blp.paginate()
def programs(pagination_parameters):
    """The caller's site's programs, as its catalog lists them (the sites file's `programs`, else the
    defaults: mh-adult, sud-adult, adolescent, php-adult, op-adult). An admission's `program` and a
    change of level of care name one of these codes; its `planned_weeks` lies within the program's
    `min_weeks`..`max_weeks`, and its level of care is the program's."""
    return page_of_list(list_programs(current_site()), pagination_parameters)
