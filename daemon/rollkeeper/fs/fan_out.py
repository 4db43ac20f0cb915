"""One function over a list on a few threads, for the commands that hash files (verify, seal).

`concurrent.futures` would serve, but importing it and the `logging` it pulls in costs a few
milliseconds of every `rollkeeper verify`, which is timed against `xxhsum`; this is all the
commands need of it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_on_threads(
    func: Callable[[Item], Result], items: Sequence[Item], *, jobs: int, name: str
) -> list[Result]:
    """`[func(item) for item in items]` with up to `jobs` items in hand at once, results in order.

    Items are taken in order. The calling thread takes its share, so `jobs=1` starts no thread.
    The first exception (an interrupt included) stops the taking of new items and is raised once
    every thread has finished the item in its hand.
    """
    results: dict[int, Result] = {}
    pending = iter(range(len(items)))
    lock = threading.Lock()
    failures: list[BaseException] = []

    def take() -> int | None:
        with lock:
            return None if failures else next(pending, None)

    def work() -> None:
        while (index := take()) is not None:
            try:
                results[index] = func(items[index])
            except BaseException as err:  # handed to the caller below
                with lock:
                    failures.append(err)
                return

    helpers = [
        threading.Thread(target=work, name=f"{name}-{number}", daemon=True)
        for number in range(1, min(jobs, len(items)))
    ]
    for helper in helpers:
        helper.start()
    try:
        work()
    finally:
        for helper in helpers:
            helper.join()
    if failures:
        raise failures[0]
    return [results[index] for index in range(len(items))]
