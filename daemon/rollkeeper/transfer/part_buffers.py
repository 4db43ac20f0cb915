"""The upload's memory: a bounded set of part buffers, reused part after part."""

from __future__ import annotations

import threading


class PartBuffers:
    """The upload's memory: at most `limit` buffers alive, each reused for part after part.

    Taking a buffer is taking a place in flight (it waits while all are out); giving it back
    frees the place. Reuse keeps the allocator from fragmenting under 8-16 MiB blocks; targets
    send views of these buffers, never copies.
    """

    def __init__(self, limit: int) -> None:
        self._places = threading.BoundedSemaphore(limit)
        self._free: list[bytearray] = []
        self._lock = threading.Lock()

    def take(self, size: int) -> bytearray:
        self._places.acquire()
        with self._lock:
            for index, buffer in enumerate(self._free):
                if len(buffer) == size:
                    return self._free.pop(index)
            if self._free:  # a buffer of another size: let it go, so no more than `limit` live
                self._free.pop()
        return bytearray(size)

    @property
    def idle(self) -> int:
        """Buffers kept for reuse, not in flight."""
        with self._lock:
            return len(self._free)

    def give_back(self, buffer: bytearray) -> None:
        with self._lock:
            self._free.append(buffer)
        self._places.release()
