"""Specification: a roll's state is derived from its copies' states; failures win."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rollkeeper.core.lifecycle import (
    FAILED_COPY_STATES,
    FAILED_ROLL_STATES,
    CopyState,
    RollState,
    derive_roll_state,
)

C = CopyState
R = RollState

copy_lists = st.lists(st.sampled_from(CopyState), max_size=6)


def test_roll_without_copies_is_discovered() -> None:
    assert derive_roll_state([], conflict=False) is R.DISCOVERED


def test_roll_whose_copies_are_all_settling_is_discovered() -> None:
    assert derive_roll_state([C.SETTLING, C.SETTLING], conflict=False) is R.DISCOVERED


@pytest.mark.parametrize(
    ("copy", "roll"),
    [(C.READY, R.READY), (C.VERIFYING, R.VERIFYING), (C.VERIFIED, R.VERIFIED)],
)
def test_roll_follows_its_single_copy(copy: CopyState, roll: RollState) -> None:
    assert derive_roll_state([copy], conflict=False) is roll


def test_roll_is_as_far_as_its_furthest_copy() -> None:
    assert derive_roll_state([C.SETTLING, C.VERIFIED, C.READY], conflict=False) is R.VERIFIED


def test_verifying_copy_outranks_a_ready_one() -> None:
    assert derive_roll_state([C.READY, C.VERIFYING], conflict=False) is R.VERIFYING


@pytest.mark.parametrize("failed", sorted(FAILED_COPY_STATES))
def test_a_failed_copy_fails_the_roll_even_when_another_copy_verified(failed: CopyState) -> None:
    assert derive_roll_state([C.VERIFIED, failed], conflict=False) is R(failed.value)


@pytest.mark.parametrize("failed", sorted(FAILED_COPY_STATES))
def test_every_failed_copy_state_maps_to_a_failed_roll_state(failed: CopyState) -> None:
    assert derive_roll_state([failed], conflict=False) in FAILED_ROLL_STATES


def test_mismatch_outranks_an_unreadable_mhl_which_outranks_incomplete() -> None:
    assert derive_roll_state([C.INCOMPLETE, C.INVALID_MHL, C.MISMATCH], conflict=False) is (
        R.MISMATCH
    )
    assert derive_roll_state([C.INCOMPLETE, C.INVALID_MHL], conflict=False) is R.INVALID_MHL


def test_conflict_outranks_everything() -> None:
    assert derive_roll_state([C.VERIFIED, C.MISMATCH], conflict=True) is R.CONFLICT


def test_conflict_is_a_failed_state() -> None:
    assert R.CONFLICT in FAILED_ROLL_STATES


def test_copies_that_are_gone_do_not_count() -> None:
    assert derive_roll_state([C.GONE, C.READY], conflict=False) is R.READY


def test_roll_whose_only_copy_is_gone_is_back_to_discovered() -> None:
    assert derive_roll_state([C.GONE], conflict=False) is R.DISCOVERED


def test_copy_states_may_be_given_as_a_one_shot_iterator() -> None:
    assert derive_roll_state(iter([C.READY, C.VERIFIED]), conflict=False) is R.VERIFIED


@given(copy_lists)
def test_any_failed_copy_means_a_failed_roll(states: list[CopyState]) -> None:
    if any(s in FAILED_COPY_STATES for s in states):
        assert derive_roll_state(states, conflict=False) in FAILED_ROLL_STATES


@given(copy_lists)
def test_roll_is_verified_only_with_a_verified_copy_and_no_failure(states: list[CopyState]) -> None:
    verified = derive_roll_state(states, conflict=False) is R.VERIFIED
    assert verified == (C.VERIFIED in states and not FAILED_COPY_STATES.intersection(states))


@given(copy_lists, st.randoms(use_true_random=False), st.booleans())
def test_order_of_copies_does_not_matter(
    states: list[CopyState], rng: random.Random, conflict: bool
) -> None:
    shuffled = list(states)
    rng.shuffle(shuffled)
    assert derive_roll_state(shuffled, conflict=conflict) is derive_roll_state(
        states, conflict=conflict
    )


@given(copy_lists)
def test_conflict_always_gives_conflict(states: list[CopyState]) -> None:
    assert derive_roll_state(states, conflict=True) is R.CONFLICT
