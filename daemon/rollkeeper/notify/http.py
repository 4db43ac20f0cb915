"""The HTTP client of a channel, and what an answer means for the delivery.

One `httpx.Client` per channel: its timeout, TLS verification on unless the channel sets
`verify_tls = false`, its own `ca_bundle`, `HTTPS_PROXY`/`NO_PROXY` from the environment
(`trust_env`), and no redirect followed (a POST sent on to another address is a surprise, and may
carry a signature or secret where it was not meant to go). `post` turns every outcome into
success or a `DeliveryFailed` whose reason names the channel and host but never the URL's secret
parts: 429 waits as told by `Retry-After`, 408/5xx/timeouts are retried, other 4xx and 3xx are
permanent.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx

from rollkeeper import __version__
from rollkeeper.notify.model import DeliveryFailed
from rollkeeper.notify.scrub import scrub

USER_AGENT = f"rollkeeper/{__version__}"
#: How much of a refusal's body is quoted in the reason (Slack says why in a word or two).
QUOTED_BODY = 200


@dataclass(frozen=True, slots=True)
class HttpOptions:
    """How a channel's client connects: timeout in seconds, TLS verification and trust."""

    timeout: float
    verify_tls: bool = True
    ca_bundle: Path | None = None


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a POST goes and how to name it: `where` ("Slack channel slack-1 (hooks.slack.com)")
    starts every reason; `secrets` are scrubbed from anything quoted."""

    url: str
    where: str
    secrets: tuple[str, ...] = ()


def tls_verification(options: HttpOptions) -> ssl.SSLContext | bool:
    """httpx's `verify`: an SSL context trusting `ca_bundle`, or False when verification is off."""
    if not options.verify_tls:
        return False
    if options.ca_bundle is not None:
        return ssl.create_default_context(cafile=str(options.ca_bundle))
    return True


def build_client(options: HttpOptions) -> httpx.Client:
    """A client for one channel: see the module's docstring for what it does and does not do."""
    return httpx.Client(
        timeout=httpx.Timeout(options.timeout),
        verify=tls_verification(options),
        trust_env=True,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )


def host_of(url: str) -> str:
    """The host (and port) of an http(s) URL: what a reason may name ("?" if it has none)."""
    try:
        netloc = httpx.URL(url).netloc.decode("ascii", "replace")
    except (httpx.InvalidURL, ValueError):
        return "?"
    return netloc.rpartition("@")[2] or "?"


def is_http_url(url: str) -> bool:
    """Whether `url` is an absolute http(s) URL with a host."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        return False
    return parsed.scheme in ("http", "https") and bool(parsed.host)


def post(
    client: httpx.Client, destination: Destination, content: bytes, headers: dict[str, str]
) -> httpx.Response:
    """POST `content` as exact bytes; return a 2xx answer or raise `DeliveryFailed`."""
    try:
        response = client.post(destination.url, content=content, headers=headers)
    except httpx.TimeoutException:
        raise DeliveryFailed(
            f"{destination.where}: no answer within {client.timeout.read or 0:g} s"
        ) from None
    except httpx.HTTPError as err:
        raise transport_failure(err, destination) from None
    except (httpx.InvalidURL, ValueError):
        raise DeliveryFailed(
            f"{destination.where}: the URL is not a valid http(s) URL; check the channel's URL",
            permanent=True,
        ) from None
    if response.is_success:
        return response
    raise answer_failure(response, destination)


def transport_failure(err: httpx.HTTPError, destination: Destination) -> DeliveryFailed:
    """No answer: the server, or the proxy, cannot be reached or its certificate not trusted."""
    detail = scrub(str(err) or type(err).__name__, destination.secrets)
    refused = _certificate_error(err)
    if refused is not None:
        said = scrub(refused.verify_message or "not trusted", destination.secrets)
        return DeliveryFailed(
            f"{destination.where}: its TLS certificate could not be verified ({said}); set "
            "ca_bundle to the PEM file of the CA that signed it"
        )
    if isinstance(err, httpx.ProxyError):
        return DeliveryFailed(
            f"{destination.where}: the proxy (HTTPS_PROXY/HTTP_PROXY) refused or failed "
            f"({detail}); check the proxy or NO_PROXY"
        )
    return DeliveryFailed(f"{destination.where}: cannot be reached ({detail})")


def _certificate_error(err: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate refusal behind a connection error (httpx wraps httpcore wraps ssl)."""
    seen: BaseException | None = err
    for _depth in range(5):
        if seen is None or isinstance(seen, ssl.SSLCertVerificationError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def answer_failure(response: httpx.Response, destination: Destination) -> DeliveryFailed:
    """What a non-2xx answer means: retried later, waited for, or permanent."""
    status = response.status_code
    said = _quoted_body(response, destination)
    answered = f"{destination.where}: answered {status} {response.reason_phrase}{said}"
    if status == 429:
        wait = retry_after(response.headers.get("Retry-After"))
        later = f"; asked to wait {wait:g} s" if wait is not None else ""
        return DeliveryFailed(f"{answered}{later}", retry_after=wait)
    if status == 408 or status >= 500:
        return DeliveryFailed(answered)
    if response.is_redirect:
        return DeliveryFailed(redirect_reason(response, destination), permanent=True)
    return DeliveryFailed(answered, permanent=True)


def redirect_reason(response: httpx.Response, destination: Destination) -> str:
    """A redirect is never followed: the reason says whether it pointed to another host."""
    location = response.headers.get("Location", "")
    try:
        target = response.url.join(location)
    except httpx.InvalidURL:
        target = response.url
    here = response.url.host
    there = target.host or here
    whither = "another address on the same host" if there == here else f"another host ({there})"
    return (
        f"{destination.where}: answered {response.status_code} redirecting to {whither}, "
        "which is not followed; set the channel's URL to the final address"
    )


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds, or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _quoted_body(response: httpx.Response, destination: Destination) -> str:
    """The start of the answer's body, scrubbed before it is cut: a secret the cut would split
    must not show its first half."""
    text = scrub(" ".join(response.text.split()), destination.secrets)[:QUOTED_BODY]
    return f": {text}" if text else ""
