"""One `make run` per data folder: a second is refused with the first one's pid, and operators'
commands find the running one."""
import os

import pytest

from shared.config import load_settings
from system import instance


def test_a_second_claim_on_the_same_data_folder_is_refused_with_the_first_ones_pid(tmp_path):
    first = instance.claim(tmp_path)
    instance.publish(first, {"pid": 4242, "base_url": "http://127.0.0.1:8000"})
    try:
        with pytest.raises(instance.InstanceRunning, match="pid 4242, http://127.0.0.1:8000"):
            instance.claim(tmp_path)
    finally:
        first.close()
    instance.claim(tmp_path).close()  # free again once the first one is gone


def test_commands_reach_the_running_instance_unless_the_environment_says_otherwise(tmp_path):
    lock = instance.claim(tmp_path)
    instance.publish(lock, {"pid": os.getpid(), "mongo_url": "mongodb://127.0.0.1:40001", "http_port": 8123,
                            "embedded_database": True})
    try:
        settings, found = instance.settings_of_running_instance(load_settings({"IOP_DATA_DIR": str(tmp_path)}), {})
        assert (settings.mongo_url, settings.http_port, found["pid"]) == ("mongodb://127.0.0.1:40001", 8123, os.getpid())
        chosen, _ = instance.settings_of_running_instance(
            load_settings({"IOP_DATA_DIR": str(tmp_path), "IOP_MONGO_URL": "mongodb://db:27017"}),
            {"IOP_MONGO_URL": "mongodb://db:27017"})
        assert chosen.mongo_url == "mongodb://db:27017"
    finally:
        lock.close()


def test_a_file_left_by_a_stopped_instance_is_not_taken_for_a_running_one(tmp_path):
    lock = instance.claim(tmp_path)
    instance.publish(lock, {"pid": 1, "mongo_url": "mongodb://127.0.0.1:40001"})
    lock.close()
    assert instance.running_instance(tmp_path) is None


def test_a_port_someone_listens_on_is_not_free():
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert not instance.port_is_free(listener.getsockname()[1])
    assert instance.port_is_free(instance.free_port())
