"""What every file's upload in a roll shares: the target, the checkpoint book, the pace, the
part buffers and the pool of uploaders."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rollkeeper.transfer.checkpoints import CheckpointBook
from rollkeeper.transfer.part_buffers import PartBuffers
from rollkeeper.transfer.settings import TransferSettings
from rollkeeper.transfer.targets import Target


@dataclass(frozen=True, slots=True)
class Uplink:
    """The roll uploader's way to its target, handed to each file's pass.

    Parts and small files are written on `uploaders`, in buffers taken from `buffers`: the
    reader thread never waits on the network, only for a free buffer.
    """

    target: Target
    book: CheckpointBook
    settings: TransferSettings
    buffers: PartBuffers
    uploaders: ThreadPoolExecutor
