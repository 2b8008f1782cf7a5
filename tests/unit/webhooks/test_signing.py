"""Signing as Standard Webhooks defines it: the specification's published test vector, the
secret's form, and signatures that the reference library (standardwebhooks) verifies."""
import base64
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from services.webhooks.domain.signing import format_secret, secret_key, sign, signed_headers

# From the standard-webhooks repository, libraries/python/tests/test_webhooks.py (test_sign_function).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = '{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

BODY = '{"event_id":"e-1","event_type":"intake.enrollment.completed"}'


def test_the_signature_matches_the_specifications_test_vector():
    assert sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_a_secret_is_whsec_and_the_base64_of_its_key():
    key = bytes(range(32))
    secret = format_secret(key)
    assert secret.startswith("whsec_") and base64.b64decode(secret[6:]) == key
    assert secret_key(secret) == key


@pytest.mark.parametrize("length", [16, 65])
def test_a_key_shorter_than_24_or_longer_than_64_bytes_is_refused(length):
    with pytest.raises(ValueError):
        format_secret(bytes(length))


def test_the_reference_library_verifies_the_headers_made_here():
    secret = format_secret(bytes(range(1, 33)))
    headers = signed_headers([secret], "delivery-1", int(time.time()), BODY)
    assert Webhook(secret).verify(BODY, headers) == {"event_id": "e-1", "event_type": "intake.enrollment.completed"}


def test_two_secrets_give_two_signatures_and_either_verifies():
    new, old = format_secret(bytes(range(1, 33))), format_secret(bytes(range(2, 34)))
    headers = signed_headers([new, old], "delivery-1", int(time.time()), BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(new).verify(BODY, headers)
    Webhook(old).verify(BODY, headers)


def test_a_changed_body_does_not_verify():
    secret = format_secret(bytes(range(1, 33)))
    headers = signed_headers([secret], "delivery-1", int(time.time()), BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace("e-1", "e-2"), headers)


def test_the_headers_carry_the_id_and_the_timestamp_in_seconds():
    headers = signed_headers([VECTOR_SECRET], VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)
    assert headers == {"webhook-id": VECTOR_ID, "webhook-timestamp": "1614265330",
                       "webhook-signature": VECTOR_SIGNATURE}


def test_nothing_is_signed_without_a_secret():
    with pytest.raises(ValueError):
        signed_headers([], "delivery-1", VECTOR_TIMESTAMP, BODY)
