"""The last word on an error of the machine that no room turned into a sentence itself.

Every room raises its own `EnvironmentProblem` where it knows what the path is for; an `OSError`
that still reaches the command line (a read-only drive under `seal`, a folder that vanished) is
said here, once, as one sentence naming the path and the fix, exit 3: never a traceback.
"""

from __future__ import annotations

import errno

#: What to do about the errors a drive or a folder gives, by errno.
FIXES: dict[int, str] = {
    errno.EROFS: "the drive is mounted read-only: mount it read-write",
    errno.EACCES: "let the user running rollkeeper read and write it",
    errno.EPERM: "let the user running rollkeeper read and write it",
    errno.ENOSPC: "the drive is full: free some space",
    errno.EDQUOT: "the user's disk quota is used up: free some space",
    errno.ENOENT: "check that its drive is mounted and the path is spelled right",
    errno.ENOTDIR: "a part of the path is a file, not a folder: fix the path",
    errno.EISDIR: "it is a folder where a file was expected: fix the path",
    errno.EIO: "the drive reported an I/O error: check the drive and its cable",
    errno.ENODEV: "its drive is gone: mount it again",
}


def os_error_sentence(err: OSError) -> str:
    """One sentence for `err`: the path, what the system said, and the fix."""
    path = err.filename if err.filename is not None else "a file"
    said = err.strerror or type(err).__name__
    fix = FIXES.get(err.errno or 0, "check the path, its drive and its permissions")
    return f"{path}: {said.lower()}; {fix}"
