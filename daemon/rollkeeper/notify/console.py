"""The console channel: each notice printed as its plain text, as an email's first part reads.

For the demo cart of `make run` and for trying a configuration out: what would have been sent is
shown on the daemon's standard output (or `stream`), framed by a rule so it stands out from the
log. It never fails but for a closed stream, which is a `DeliveryFailed` like any other.
"""

from __future__ import annotations

import sys
from typing import TextIO

from rollkeeper.notify.model import DeliveryFailed, Notice
from rollkeeper.notify.rendering import render_text

#: The rule above and below a notice on the console.
RULE = "─" * 72


class ConsoleChannel:
    """`[[notify.console]]`: see the module's docstring."""

    kind = "console"

    def __init__(self, name: str, stream: TextIO | None = None) -> None:
        self._name = name
        self._stream = stream

    def __repr__(self) -> str:
        return f"ConsoleChannel({self._name!r})"

    @property
    def name(self) -> str:
        return self._name

    def send(self, notice: Notice) -> None:
        """Print the notice's plain text between two rules, headed by the channel's name."""
        stream = self._stream if self._stream is not None else sys.stdout
        text = render_text(notice).rstrip("\n")
        try:
            stream.write(f"{RULE}\n[notify {self._name}] {text}\n{RULE}\n")
            stream.flush()
        except (OSError, ValueError) as err:  # a closed or broken stream
            raise DeliveryFailed(f"console channel {self._name}: cannot print ({err})") from None

    def close(self) -> None:
        """The stream belongs to the process: nothing to close."""
