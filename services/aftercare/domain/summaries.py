"""What the aftercare plan takes from treatment's discharge summary (treatment.discharge_summary.drafted).

The plan refers to the summary by id, and each objective the summary left unmet (progressing, not
met or never reviewed) becomes an aftercare goal, by the objective's id: its text stays in
treatment and is read from treatment's API when the packet is shown.
"""


def summary_on_plan(summary: dict | None) -> dict:
    """The plan's fields for the latest drafted summary (``summary`` as the facts record it); none without one."""
    if summary is None:
        return {}
    return {
        "discharge_summary": {"summary_id": summary["summary_id"], "treatment_plan_id": summary.get("plan_id"),
                              "objectives_met": summary["objectives_met"],
                              "objectives_not_met": summary["objectives_not_met"]},
        "goals": [{"objective_id": objective_id, "source": "treatment_discharge_summary"}
                  for objective_id in summary["unmet_objective_ids"]],
    }
