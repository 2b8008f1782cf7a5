"""Which URLs a site may register, and which addresses a webhook may be sent to.

An endpoint is ``https`` and resolves only to public addresses: never loopback, private, link-local,
shared (carrier-grade NAT), multicast, reserved or unspecified ones, an IPv4 address mapped into
IPv6 included, so that a site's URL cannot reach into the network the service runs in. The host is
resolved at registration and again before every delivery (an answer may change). An operator
setting allows private addresses and plain ``http`` for development and tests.

Pure: the caller resolves the host and passes the addresses in.
"""
import ipaddress
from urllib.parse import urlsplit

from shared.errors import Invalid

MAX_URL_LENGTH = 2048


def endpoint_host(url: str, allow_private: bool) -> tuple[str, int]:
    """The host and port to resolve for ``url``; Invalid naming ``url`` when the URL is refused."""
    if len(url) > MAX_URL_LENGTH:
        raise _refused(f"Must be at most {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refused("Not a valid URL.") from None
    allowed_schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed_schemes:
        raise _refused("Must be an https URL.")
    if not parts.hostname:
        raise _refused("Must name a host.")
    if parts.username is not None or parts.password is not None:
        raise _refused("Must not carry credentials; the signature authenticates the sender.")
    if any(character.isspace() for character in url):
        raise _refused("Must not contain spaces.")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def refused_address(address: str) -> bool:
    """True for an address a webhook must not reach without the operator's setting."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone index names a link-local scope
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified)


def address_problem(addresses: list[str], allow_private: bool) -> str | None:
    """Why the resolved addresses may not be reached, or None when they may. Every address must
    pass: a client may connect to any of them."""
    if not addresses:
        return "The host does not resolve."
    if allow_private:
        return None
    refused = sorted({address for address in addresses if refused_address(address)})
    if refused:
        return ("Resolves to a loopback, private or otherwise non-public address "
                f"({', '.join(refused)}); webhooks are sent to public addresses only.")
    return None


def check_addresses(addresses: list[str], allow_private: bool) -> None:
    """Invalid naming ``url`` unless the addresses may be reached (at registration)."""
    problem = address_problem(addresses, allow_private)
    if problem is not None:
        raise _refused(problem)


def _refused(message: str) -> Invalid:
    return Invalid({"url": [message]})
