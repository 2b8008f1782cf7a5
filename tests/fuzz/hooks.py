"""schemathesis hooks of the fuzzing tier (SCHEMATHESIS_HOOKS=tests.fuzz.hooks).

Every POST gets a fresh Idempotency-Key: the fuzzer reuses the values it generates, and a key
reused for a different request is refused by design (422; tested in
tests/integration/shared/test_hardening.py), which would hide every other finding on POSTs.
"""
import uuid

import schemathesis


@schemathesis.hook
def before_call(context, case, **kwargs):
    if case.method.upper() == "POST":
        case.headers = {**(case.headers or {}), "Idempotency-Key": str(uuid.uuid4())}
