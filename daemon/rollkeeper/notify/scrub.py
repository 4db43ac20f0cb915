"""Keeping secrets out of words: every reason, log line and exception text a channel lets out is
passed through the secrets of the channels built in this process.

A secret here is a password, a Slack webhook URL, a webhook signing secret or an apprise URL.
Whole values are replaced, and so are the parts of a URL that may be its token (userinfo, path
segments, query values, and the host of a non-HTTP apprise URL such as `tgram://BOTTOKEN/…`),
since libraries quote URLs in pieces; the credentials of any URL (a proxy's, say) are hidden
too. The libraries' own loggers (httpx, httpcore, apprise, urllib3) get a filter that rewrites
their records before any handler sees them.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

#: What a secret is replaced with.
HIDDEN = "[secret]"
#: URL pieces shorter than this are words ("services", "json"), not tokens.
MIN_PIECE = 6
#: The loggers of the libraries the channels use: each record is scrubbed before it is handled.
LIBRARY_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "apprise",
    "urllib3.connectionpool",  # apprise's plugins speak through requests
)

_lock = threading.Lock()
_known: set[str] = set()
_filters: list[logging.Filter] = []


def secret_pieces(value: str) -> set[str]:
    """The strings of `value` that must never be shown: itself and, for a URL, its tokens."""
    pieces = {value, unquote(value)} if value else set()
    if "://" not in value:
        return {piece for piece in pieces if piece}
    parts = urlsplit(value)
    if parts.username:
        pieces.add(parts.username)
    if parts.password:
        pieces.add(parts.password)
    if parts.scheme not in ("http", "https"):
        # apprise keeps tokens where a host would be (`tgram://BOTTOKEN/…`, `pover://USER@TOKEN`);
        # a name with a dot (`ntfy.sh`, `127.0.0.1`) is a host, not a token
        pieces.update(
            piece
            for piece in re.split(r"[:@]", parts.netloc)
            if len(piece) >= MIN_PIECE and "." not in piece
        )
    for segment in re.split(r"[/&=;?]", f"{parts.path}?{parts.query}"):
        if _token_like(segment):
            pieces.update({segment, unquote(segment)})
    if len(parts.path) > 1:
        pieces.add(parts.path)
    return {piece for piece in pieces if piece}


def _token_like(segment: str) -> bool:
    """A path or query piece that may be a token: long enough and not a plain lowercase word
    (`services`, `example`), which would otherwise be hidden from every sentence."""
    return len(segment) >= MIN_PIECE and not (segment.isalpha() and segment.islower())


def register(values: Iterable[str | None]) -> None:
    """Remember `values` as secrets of this process and scrub the libraries' loggers."""
    with _lock:
        for value in values:
            if value:
                _known.update(secret_pieces(value))
        if not _filters:  # one filter per library logger, installed once per process
            _filters.append(ScrubbingFilter())
            for name in LIBRARY_LOGGERS:
                logging.getLogger(name).addFilter(_filters[0])


def scrub(text: str, extra: Iterable[str | None] = ()) -> str:
    """`text` with every registered secret (and every one of `extra`) replaced by `HIDDEN`."""
    with _lock:
        pieces = set(_known)
    for value in extra:
        if value:
            pieces.update(secret_pieces(value))
    for piece in sorted(pieces, key=len, reverse=True):
        text = text.replace(piece, HIDDEN)
    return _USERINFO.sub(rf"\1{HIDDEN}@", text)


#: Credentials in any URL (`http://user:password@proxy:3128`, from HTTPS_PROXY say).
_USERINFO = re.compile(r"(://)[^/@\s]+@")


class ScrubbingFilter(logging.Filter):
    """Rewrites a library's log record so that no registered secret reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and not record.exc_text:
            # handlers format the traceback from exc_text when it is set: set it scrubbed
            record.exc_text = scrub(_FORMATTER.formatException(record.exc_info))
        return True


_FORMATTER = logging.Formatter()
