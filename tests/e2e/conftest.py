import os
import shutil

import pytest

pytest.register_assert_rewrite("tests.e2e.workflow")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's headless Chromium, for the tests that look at a page as a browser shows it. Missing,
    it fails the test in CI (`.ci/run` installs it) and skips it elsewhere."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "headless Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found
