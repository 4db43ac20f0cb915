"""RequestBody: a part buffer as an S3 request body, read without copies and re-readable."""

from __future__ import annotations

from rollkeeper.transfer.s3_target import RequestBody


def test_reads_hand_out_the_buffer_in_order_and_then_nothing() -> None:
    body = RequestBody(bytearray(b"0123456789"))

    chunks = [bytes(body.read(4)), bytes(body.read(4)), bytes(body.read(4)), bytes(body.read(4))]

    assert chunks == [b"0123", b"4567", b"89", b""]


def test_a_read_is_a_view_of_the_callers_buffer_not_a_copy() -> None:
    buffer = bytearray(b"abcdef")
    chunk = RequestBody(memoryview(buffer)[2:]).read()

    buffer[2] = ord("X")

    assert bytes(chunk) == b"Xdef"


def test_seeking_back_to_the_start_sends_the_same_bytes_again_for_a_retry() -> None:
    body = RequestBody(b"part bytes")
    first = bytes(body.read())

    body.seek(0)

    assert bytes(body.read()) == first
    assert body.tell() == len(body) == len(first)


def test_readinto_fills_the_signers_buffer() -> None:
    body = RequestBody(b"signed")
    target = bytearray(4)

    assert body.readinto(memoryview(target)) == 4
    assert target == bytearray(b"sign")
