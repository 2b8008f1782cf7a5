"""The embedded broker's journal is kept to its bound, oldest first, in a folder of its own; work
queues are never touched."""
from shared.embedded.journal import trim_journal
from shared.messaging.embedded_transport import JOURNAL_FOLDER
from shared.messaging.topology import Topology


def test_the_oldest_journal_messages_beyond_the_bound_are_deleted(tmp_path):
    journal = tmp_path / JOURNAL_FOLDER
    journal.mkdir()
    for stamp in (99, 200, 300):  # 99 sorts after 200 by name, before it by time
        (journal / f"{stamp}_x.iop.journal.msg").write_text("{}")
    (tmp_path / "50_x.iop.aftercare.events.msg").write_text("{}")
    assert trim_journal(tmp_path, Topology("iop"), max_length=2, now_ms=1_000) == 1
    assert sorted(p.name for p in journal.iterdir()) == ["200_x.iop.journal.msg", "300_x.iop.journal.msg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["50_x.iop.aftercare.events.msg", JOURNAL_FOLDER]


def test_journal_messages_written_beside_the_queues_before_are_moved_into_its_folder_and_counted(tmp_path):
    (tmp_path / "10_x.iop.journal.msg").write_text("{}")  # from before the journal had a folder
    (tmp_path / "50_x.iop.aftercare.events.msg").write_text("{}")
    (tmp_path / JOURNAL_FOLDER).mkdir()
    (tmp_path / JOURNAL_FOLDER / "20_x.iop.journal.msg").write_text("{}")
    assert trim_journal(tmp_path, Topology("iop"), max_length=1, now_ms=1_000) == 1  # the older, moved one
    assert sorted(p.name for p in (tmp_path / JOURNAL_FOLDER).iterdir()) == ["20_x.iop.journal.msg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["50_x.iop.aftercare.events.msg", JOURNAL_FOLDER]


def test_journal_messages_older_than_the_journals_time_to_live_are_deleted_whatever_their_number(tmp_path):
    journal = tmp_path / JOURNAL_FOLDER
    journal.mkdir()
    for stamp in (1_000, 5_000, 9_000):
        (journal / f"{stamp}_x.iop.journal.msg").write_text("{}")
    assert trim_journal(tmp_path, Topology("iop"), max_length=10, max_age_ms=4_000, now_ms=10_000) == 2
    assert [p.name for p in journal.iterdir()] == ["9000_x.iop.journal.msg"]
