"""Specification: one log pipeline (`runtime.logs`) — JSON lines in the log file always, readable
lines on a terminal and JSON lines otherwise on stderr, the libraries' stdlib records through the
same pipeline at WARNING unless the level is debug, no secret in a library's line, and a log file
that follows its path when it is renamed or deleted underneath."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from rollkeeper.core.errors import EnvironmentProblem
from rollkeeper.notify import scrub
from rollkeeper.runtime.logs import configure_logging


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    """Each test configures the process's logging; put it back as it was afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("apscheduler", "botocore", "httpx")}
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)
    structlog.reset_defaults()


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_the_log_file_holds_json_lines_with_the_event_name_and_bound_fields(
    tmp_path: Path,
) -> None:
    log_file = tmp_path / "rollkeeper.log"
    configure_logging(log_file, stream=io.StringIO())

    structlog.get_logger("rollkeeper").info("upload.done", roll="A001R2CD", drive="SHUTTLE_01")

    (line,) = lines(log_file)
    assert (line["event"], line["roll"], line["drive"], line["level"]) == (
        "upload.done",
        "A001R2CD",
        "SHUTTLE_01",
        "info",
    )
    assert "timestamp" in line


def test_stderr_that_is_not_a_terminal_gets_json_lines(tmp_path: Path) -> None:
    stream = io.StringIO()
    configure_logging(tmp_path / "rollkeeper.log", stream=stream)

    structlog.get_logger("rollkeeper").warning("volume.unreadable", drive="RAID_A")

    assert json.loads(stream.getvalue())["event"] == "volume.unreadable"


def test_a_terminal_gets_readable_lines(tmp_path: Path) -> None:
    """A real pseudo-terminal (`os.openpty`) stands for the DIT's terminal."""
    leader, follower = os.openpty()
    with os.fdopen(follower, "w", encoding="utf-8") as terminal:
        configure_logging(tmp_path / "rollkeeper.log", stream=terminal)
        structlog.get_logger("rollkeeper").info("daemon.started", volumes=2)
        terminal.flush()
        shown = os.read(leader, 4096).decode()
    os.close(leader)

    assert "daemon.started" in shown
    assert "volumes" in shown
    assert not shown.lstrip().startswith("{")


def test_a_librarys_info_lines_are_left_out_at_the_info_level(tmp_path: Path) -> None:
    log_file = tmp_path / "rollkeeper.log"
    configure_logging(log_file, level="info", stream=io.StringIO())

    logging.getLogger("apscheduler.executors.default").info('Job "daily" executed')
    logging.getLogger("botocore.retryhandler").warning("retry needed")

    assert [line["event"] for line in lines(log_file)] == ["retry needed"]


def test_at_the_debug_level_a_librarys_lines_go_through_the_same_pipeline(
    tmp_path: Path,
) -> None:
    log_file = tmp_path / "rollkeeper.log"
    configure_logging(log_file, level="debug", stream=io.StringIO())

    logging.getLogger("apscheduler.executors.default").info('Job "daily" executed')

    (line,) = lines(log_file)
    assert (line["event"], line["logger"], line["level"]) == (
        'Job "daily" executed',
        "apscheduler.executors.default",
        "info",
    )


def test_the_warning_level_leaves_out_rollkeepers_info_lines(tmp_path: Path) -> None:
    log_file = tmp_path / "rollkeeper.log"
    configure_logging(log_file, level="warning", stream=io.StringIO())

    structlog.get_logger("rollkeeper").info("copy.verified")
    structlog.get_logger("rollkeeper").warning("storage.waiting")

    assert [line["event"] for line in lines(log_file)] == ["storage.waiting"]


def test_a_secret_in_any_library_logger_is_scrubbed(tmp_path: Path) -> None:
    log_file = tmp_path / "rollkeeper.log"
    configure_logging(log_file, level="debug", stream=io.StringIO())
    scrub.register(["https://hooks.slack.example/services/T000/B000/XyZsecretToken42"])

    logging.getLogger("httpcore.http11.deeper").debug(
        "POST https://hooks.slack.example/services/T000/B000/XyZsecretToken42"
    )

    text = log_file.read_text(encoding="utf-8")
    assert "XyZsecretToken42" not in text
    assert scrub.HIDDEN in text


def test_a_renamed_log_file_is_followed_by_a_new_one_at_its_path(tmp_path: Path) -> None:
    log_file = tmp_path / "rollkeeper.log"
    configure_logging(log_file, stream=io.StringIO())
    log = structlog.get_logger("rollkeeper")
    log.info("first")

    log_file.rename(tmp_path / "rollkeeper.log.0")
    log.info("second")

    assert [line["event"] for line in lines(tmp_path / "rollkeeper.log.0")] == ["first"]
    assert [line["event"] for line in lines(log_file)] == ["second"]


def test_a_deleted_log_file_is_followed_by_a_new_one_at_its_path(tmp_path: Path) -> None:
    log_file = tmp_path / "rollkeeper.log"
    configure_logging(log_file, stream=io.StringIO())
    log = structlog.get_logger("rollkeeper")
    log.info("first")

    log_file.unlink()
    log.info("second")

    assert [line["event"] for line in lines(log_file)] == ["second"]


def test_a_log_file_that_is_a_folder_is_refused_in_a_sentence(tmp_path: Path) -> None:
    (tmp_path / "rollkeeper.log").mkdir()

    with pytest.raises(EnvironmentProblem) as refused:
        configure_logging(tmp_path / "rollkeeper.log", stream=io.StringIO())

    assert str(refused.value) == (
        f"the log file {tmp_path / 'rollkeeper.log'} is a folder; remove it or set [log] file "
        "to a file's path"
    )


def test_a_log_file_in_a_missing_folder_is_refused_in_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "gone" / "rollkeeper.log"

    with pytest.raises(EnvironmentProblem, match=r"cannot be written \(No such file"):
        configure_logging(path, stream=io.StringIO())


def test_a_log_folder_gone_under_the_daemon_is_one_sentence_and_logging_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    log_file = folder / "rollkeeper.log"
    configure_logging(log_file, stream=io.StringIO())
    log = structlog.get_logger("rollkeeper")
    log.info("first")

    log_file.unlink()
    folder.rmdir()
    log.info("lost")
    log.info("lost too")
    folder.mkdir()
    log.info("back")

    said = capsys.readouterr().err
    assert said == (
        f"rollkeeper: the log file {log_file} cannot be written (No such file or directory); "
        "the console has the log meanwhile\n"
    )
    assert [line["event"] for line in lines(log_file)] == ["back"]
