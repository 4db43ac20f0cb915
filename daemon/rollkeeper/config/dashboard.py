"""The `[dashboard]` table: where the daemon's read-only page listens, and who may read it.

On by default on loopback (`127.0.0.1:8642`); `listen = ""` turns it off. Listening anywhere
else opens the page to the set network, so it then needs a token (`token_env`): without one the
configuration is refused, and the daemon does not start.
"""

from __future__ import annotations

import ipaddress
from typing import NamedTuple

from pydantic import Field, field_validator, model_validator

from rollkeeper.config.fields import AbsolutePath, Section

DEFAULT_LISTEN = "127.0.0.1:8642"


class ListenAddress(NamedTuple):
    """A parsed `listen`: the host as written (an IPv6 address without brackets) and the port."""

    host: str
    port: int

    @property
    def loopback(self) -> bool:
        """Only this machine can reach it: `localhost` or a loopback address."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_listen(text: str) -> ListenAddress:
    """`host:port` (`[::1]:8642` for IPv6) → its parts; a ValueError saying what is accepted."""
    host, sep, port = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(
            f'must be "host:port" (e.g. "{DEFAULT_LISTEN}", "[::1]:8642"), or "" for no dashboard'
        )
    return ListenAddress(host, int(port))


class DashboardSettings(Section):
    """The daemon's local, read-only page of drives, rolls and alarms (and its JSON API)."""

    listen: str = Field(
        DEFAULT_LISTEN,
        description='host:port the page listens on ("" turns it off); a non-loopback '
        "address needs token_env.",
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Other names the page may be asked by (its Host header), e.g. the "
        "cart's name on the set Wi-Fi; any other name gets 403.",
    )
    token_env: str | None = Field(
        None,
        min_length=1,
        description="Environment variable holding the token a browser must show "
        "(required when listen is not loopback).",
    )
    tls_cert: AbsolutePath | None = Field(None, description="TLS certificate (PEM), with tls_key.")
    tls_key: AbsolutePath | None = Field(None, description="TLS private key (PEM), with tls_cert.")

    @field_validator("listen", mode="after")
    @classmethod
    def _listen_is_an_address(cls, listen: str) -> str:
        if listen:
            parse_listen(listen)
        return listen

    @model_validator(mode="after")
    def _open_listen_needs_a_token(self) -> DashboardSettings:
        address = self.address
        if address is not None and not address.loopback and self.token_env is None:
            raise ValueError(
                f"listen = {self.listen!r} opens the dashboard to the network; set "
                "token_env (the variable holding its token), or listen on 127.0.0.1"
            )
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together: set both, or neither")
        return self

    @property
    def address(self) -> ListenAddress | None:
        """Where to listen, or None when the dashboard is off."""
        return parse_listen(self.listen) if self.listen else None
