"""kombu's filesystem transport (the embedded broker of ``make run``) with atomic message writes.

kombu's own ``_put`` creates the message file and then writes into it; a consumer polling the
folder can move the file away between the two, read it empty and fail to decode it
(``JSONDecodeError`` out of ``drain_events``): the worker exits and the message is lost. It was
seen under ``iop seed``'s load. Here a message is written under a name no reader matches
(``….msg.part``) and renamed into place, which is atomic on POSIX: a reader sees a whole message
or none.
"""
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        final = os.path.join(self.data_folder_out, f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg")
        partial = final + ".part"
        try:
            with open(partial, "wb") as stream:
                stream.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
