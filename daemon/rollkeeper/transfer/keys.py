"""Where a roll lives in storage: the object layout mirrors the set (pure)."""

from __future__ import annotations

from rollkeeper.core.layout import RollIdentity

MANIFEST_SUFFIX = ".rollkeeper.json"


def roll_key_prefix(prefix: str, identity: RollIdentity, camera_format: str | None) -> str:
    """`<prefix>/<shoot day>/<media type>/[format/]<roll>` without a trailing slash."""
    parts = [
        prefix.strip("/"),
        identity.shoot_day,
        identity.media_type,
        camera_format or "",
        identity.roll,
    ]
    return "/".join(part for part in parts if part)


def object_key(roll_prefix: str, relative_path: str) -> str:
    """The key of a file at `relative_path` inside the roll."""
    return f"{roll_prefix}/{relative_path}"


def manifest_key(roll_prefix: str, roll: str, stamp: str) -> str:
    """Each upload's manifest gets its own key: manifests are never overwritten either."""
    return f"{roll_prefix}/{roll}_{stamp}{MANIFEST_SUFFIX}"
