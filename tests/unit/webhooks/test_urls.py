"""Which URLs may be registered and which addresses may be reached: https and public addresses
only, unless the operator's setting allows private ones (and http) for development and tests."""
import pytest

from services.webhooks.domain.urls import address_problem, check_addresses, endpoint_host, refused_address
from shared.errors import Invalid


def refusal(url: str, allow_private: bool = False) -> list[str]:
    with pytest.raises(Invalid) as refused:
        endpoint_host(url, allow_private)
    assert set(refused.value.errors) == {"url"}
    return refused.value.errors["url"]


def test_an_https_url_gives_its_host_and_port():
    assert endpoint_host("https://receiver.example.org/iop?x=1", False) == ("receiver.example.org", 443)
    assert endpoint_host("https://receiver.example.org:8443/iop", False) == ("receiver.example.org", 8443)


@pytest.mark.parametrize("url", ["http://receiver.example.org/iop", "ftp://receiver.example.org/",
                                 "receiver.example.org/iop", "javascript:alert(1)"])
def test_anything_but_https_is_refused(url):
    assert refusal(url) == ["Must be an https URL."]


def test_the_operators_setting_allows_plain_http():
    assert endpoint_host("http://127.0.0.1:8080/hook", True) == ("127.0.0.1", 8080)


@pytest.mark.parametrize("url", ["https://user:secret@receiver.example.org/", "https:///no-host",
                                 "https://receiver.example.org:99999/", "https://receiver.example.org/a b",
                                 "https://receiver.example.org/" + "a" * 2048])
def test_credentials_no_host_a_bad_port_spaces_or_a_huge_url_are_refused(url):
    assert refusal(url)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "::1", "fe80::1%eth0",
                                     "fc00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::"])
def test_loopback_private_link_local_shared_multicast_reserved_and_mapped_addresses_are_refused(address):
    assert refused_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert not refused_address(address)
    assert address_problem([address], allow_private=False) is None


def test_one_refused_address_among_public_ones_refuses_the_host():
    assert "10.0.0.7" in address_problem(["93.184.216.34", "10.0.0.7"], allow_private=False)


def test_a_host_that_does_not_resolve_is_refused_even_with_the_setting():
    assert address_problem([], allow_private=True) == "The host does not resolve."


def test_the_operators_setting_allows_private_addresses():
    assert address_problem(["127.0.0.1"], allow_private=True) is None


def test_a_refusal_at_registration_names_url():
    with pytest.raises(Invalid) as refused:
        check_addresses(["127.0.0.1"], allow_private=False)
    assert set(refused.value.errors) == {"url"}
