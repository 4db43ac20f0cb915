"""PartBuffers: the upload's memory bound (buffers in flight) and buffer reuse."""

from __future__ import annotations

import threading

from rollkeeper.transfer.part_buffers import PartBuffers


def test_a_buffer_given_back_is_reused_for_the_next_part_of_its_size() -> None:
    buffers = PartBuffers(2)
    first = buffers.take(1024)
    buffers.give_back(first)

    assert buffers.take(1024) is first


def test_taking_waits_while_every_buffer_is_in_flight() -> None:
    buffers = PartBuffers(2)
    held = [buffers.take(16), buffers.take(16)]
    got = threading.Event()

    def take_a_third() -> None:
        buffers.take(16)
        got.set()

    waiter = threading.Thread(target=take_a_third)
    waiter.start()

    assert not got.wait(0.2)
    buffers.give_back(held.pop())
    waiter.join(timeout=10)
    assert got.is_set()


def test_a_buffer_of_another_size_is_dropped_so_no_more_than_the_limit_live() -> None:
    buffers = PartBuffers(2)
    small = [buffers.take(16), buffers.take(16)]
    for buffer in small:
        buffers.give_back(buffer)

    large = buffers.take(64)

    assert len(large) == 64
    assert buffers.idle == 1  # one 16-byte buffer let go for the new one: 2 alive in all
