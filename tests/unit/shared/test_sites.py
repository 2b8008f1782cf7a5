"""The sites file: keys held as digests, a key acts for its own site, broken files refused."""
import hashlib
import json

import pytest

from shared.sites import SitesFileError, load_sites


def write_sites(tmp_path, document):
    path = tmp_path / "sites.json"
    path.write_text(json.dumps(document))
    return path


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def one_site(**extra):
    return {"sites": [{"id": "mpls", "name": "Minneapolis", "timezone": "America/Chicago",
                       "api_keys": [{"sha256": digest("secret"), "role": "clinician", "label": "fe"}], **extra}],
            "operators": [{"sha256": digest("ops"), "label": "on-call"}]}


def test_a_clinician_key_authenticates_as_its_site(tmp_path):
    principal = load_sites(write_sites(tmp_path, one_site())).authenticate("secret")
    assert (principal.site_id, principal.role, principal.is_operator) == ("mpls", "clinician", False)


def test_an_operator_key_belongs_to_no_site(tmp_path):
    principal = load_sites(write_sites(tmp_path, one_site())).authenticate("ops")
    assert (principal.site_id, principal.is_operator) == (None, True)


def test_an_unknown_key_is_not_authenticated(tmp_path):
    assert load_sites(write_sites(tmp_path, one_site())).authenticate("guess") is None


def test_a_key_that_is_not_a_sha256_digest_is_refused(tmp_path):
    document = one_site()
    document["sites"][0]["api_keys"][0]["sha256"] = "secret"
    with pytest.raises(SitesFileError, match="SHA-256"):
        load_sites(write_sites(tmp_path, document))


def test_an_unknown_timezone_is_refused(tmp_path):
    document = one_site()
    document["sites"][0]["timezone"] = "Mars/Olympus"
    with pytest.raises(SitesFileError, match="timezone"):
        load_sites(write_sites(tmp_path, document))


def test_site_settings_beyond_the_known_ones_are_kept_as_options(tmp_path):
    site = load_sites(write_sites(tmp_path, one_site(aftercare_templates={"*": {}}))).get("mpls")
    assert site.options == {"aftercare_templates": {"*": {}}}


def test_a_site_without_a_catalog_gets_the_default_programs(tmp_path):
    catalog = load_sites(write_sites(tmp_path, one_site())).get("mpls").programs
    assert {"mh-adult", "sud-adult", "adolescent", "php-adult", "op-adult"} <= set(catalog)
    assert (catalog["php-adult"].level_of_care, catalog["php-adult"].weekly_minimum_hours) == ("2.5", 20)
    assert catalog["sud-adult"].substance_use and not catalog["mh-adult"].substance_use


def test_a_site_catalog_replaces_the_defaults_and_a_malformed_one_is_refused_with_its_reason(tmp_path):
    own = {"code": "iop-x", "name": "X", "level_of_care": "2.1", "population": "adult", "substance_use": False,
           "planned_weeks": 6, "weekly_minimum_hours": 9}
    assert list(load_sites(write_sites(tmp_path, one_site(programs=[own]))).get("mpls").programs) == ["iop-x"]
    with pytest.raises(SitesFileError, match="level_of_care"):
        load_sites(write_sites(tmp_path, one_site(programs=[{**own, "level_of_care": "9"}])))
