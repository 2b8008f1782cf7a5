"""Running a service's worker loop inside a test, and waiting for what it does."""
import threading
import time
from contextlib import contextmanager

from kombu import Connection, Queue

from shared.messaging.connection import broker_connection
from shared.worker import build_consumer
from system import services


@contextmanager
def running_worker(context, handlers=None, outbox_collections=None, sweeps=()):
    """The worker's consumer and relay on a background thread; stopped and joined on exit. Handlers
    and outbox collections are the context's unless the test gives its own; sweeps run only when given."""
    consumer, publisher = build_consumer(context, handlers, outbox_collections, sweeps)
    thread = threading.Thread(target=consumer.run, kwargs={"safety_interval": 0.1}, daemon=True)
    thread.start()
    if not consumer.consuming.wait(timeout=15):
        consumer.should_stop = True
        raise AssertionError("the worker did not start consuming within 15s")
    try:
        yield consumer
    finally:
        consumer.should_stop = True
        thread.join(timeout=10)
        publisher.close()


def wait_until(condition, timeout=15.0, interval=0.1, message="condition not met"):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{message} within {timeout}s")


def drain_queue(settings, queue_name: str, timeout: float = 5.0) -> list:
    """Take (and ack) every message in a queue, waiting up to ``timeout`` for the first one."""
    messages = []
    with broker_connection(settings) as connection:
        queue = Queue(queue_name, channel=connection.channel(), no_declare=True)
        deadline = time.monotonic() + timeout
        while True:
            message = queue.get(no_ack=False)
            if message is not None:
                message.ack()
                messages.append(message)
            elif messages or time.monotonic() > deadline:
                return messages
            else:
                time.sleep(0.1)


def delete_topology(settings) -> None:
    """Remove a test namespace's exchanges and queues from the broker."""
    topology = services.topology(settings)
    with Connection(settings.amqp_url) as connection:
        channel = connection.channel()
        for queue in topology.all_queues():
            try:
                queue(channel).delete()
            except Exception:
                channel = connection.channel()
        for exchange in (topology.events_exchange, topology.dead_letter_exchange):
            try:
                exchange(channel).delete()
            except Exception:
                channel = connection.channel()
