"""The dashboard's task panel: aftercare's task report, per site and summed per kind over every site."""
import pytest

from system.dashboard import data

REPORT = {"sites": [
    {"site_id": "mpls", "as_of": "2026-11-27", "open": 4, "overdue": 2,
     "by_kind": [{"kind": "outreach", "open": 3, "overdue": 2}, {"kind": "safety_screening", "open": 1, "overdue": 0},
                 {"kind": "closing", "open": 0, "overdue": 0}]},
    {"site_id": "stpaul", "as_of": "2026-11-27", "open": 2, "overdue": 1,
     "by_kind": [{"kind": "outreach", "open": 1, "overdue": 1}, {"kind": "re_measurement", "open": 1, "overdue": 0}]},
]}


def test_the_panel_shows_each_site_and_each_kind_with_open_tasks_most_first(monkeypatch):
    asked = []
    monkeypatch.setattr(data, "_get", lambda sources, key, path, **params: asked.append(path) or REPORT)
    panel = data.tasks(sources=None, key="operator-key")
    assert asked == ["/aftercare/v1/reports/tasks"]
    assert [(site["site_id"], site["open"], site["overdue"]) for site in panel["sites"]] == [("mpls", 4, 2),
                                                                                            ("stpaul", 2, 1)]
    assert [(row["kind"], row["open"], row["overdue"]) for row in panel["by_kind"]] == [
        ("outreach", 4, 3), ("re_measurement", 1, 0), ("safety_screening", 1, 0)]


def test_a_report_that_cannot_be_read_leaves_the_panel_to_say_why(monkeypatch):
    def unavailable(*args, **kwargs):
        raise data.Unavailable("/aftercare/v1/reports/tasks: 503 Service Unavailable")

    monkeypatch.setattr(data, "_get", unavailable)
    with pytest.raises(data.Unavailable):
        data.tasks(sources=None, key="operator-key")
