"""The embedded broker's journal is kept to its bound, oldest first; work queues are never touched."""
from shared.embedded.journal import trim_journal
from shared.messaging.topology import Topology


def test_the_oldest_journal_messages_beyond_the_bound_are_deleted(tmp_path):
    for stamp in (99, 200, 300):  # 99 sorts after 200 by name, before it by time
        (tmp_path / f"{stamp}_x.iop.journal.msg").write_text("{}")
    (tmp_path / "50_x.iop.aftercare.events.msg").write_text("{}")
    assert trim_journal(tmp_path, Topology("iop"), max_length=2) == 1
    assert not (tmp_path / "99_x.iop.journal.msg").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "200_x.iop.journal.msg", "300_x.iop.journal.msg", "50_x.iop.aftercare.events.msg"]
