"""kombu's filesystem transport (the embedded broker of ``make run``) with atomic message writes.

kombu's own ``_put`` creates the message file and then writes into it; a consumer polling the
folder can move the file away between the two, read it empty and fail to decode it
(``JSONDecodeError`` out of ``drain_events``): the worker exits and the message is lost. It was
seen under ``iop seed``'s load. Here a message is written under a name no reader matches
(``….msg.part``) and renamed into place, which is atomic on POSIX: a reader sees a whole message
or none.

The journal's copies of every event (kept up to ``JOURNAL_MAX_LENGTH`` files; nothing consumes
them here) are written to a folder of their own, :data:`JOURNAL_FOLDER`: kombu's transport lists its
whole folder at every poll of every queue, so in the shared folder they made each poll's cost, and
each worker's memory at its peak, grow with the journal.
"""
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

from shared.messaging.topology import JOURNAL_SUFFIX

JOURNAL_FOLDER = "journal"  # under the queues' folder


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        folder = self.data_folder_out
        if queue.endswith(JOURNAL_SUFFIX):
            folder = os.path.join(folder, JOURNAL_FOLDER)
        final = os.path.join(folder, f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg")
        partial = final + ".part"
        try:
            with open(partial, "wb") as stream:
                stream.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
