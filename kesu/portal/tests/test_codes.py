from datetime import timedelta

import pytest
from django.utils import timezone

from kesu.portal.codes import (
    CodeRefused,
    needs_human_check,
    send_code,
    verify_code,
)
from kesu.portal.models import PhoneCode

from .conftest import OTHER_PHONE, PHONE, last_code


def _send(world, phone=PHONE, address="10.0.0.1", **kwargs):
    return send_code(
        organisation_id=world.org.pk,
        phone=phone,
        purpose="file",
        subject="east",
        sender="东城店",
        address=address,
        **kwargs,
    )


def _verify(world, code, phone=PHONE, address="10.0.0.1", **kwargs):
    return verify_code(
        organisation_id=world.org.pk,
        phone=phone,
        purpose="file",
        subject="east",
        code=code,
        address=address,
        **kwargs,
    )


def test_a_code_is_texted_kept_only_hashed_and_works_once(world, texts):
    row = _send(world)
    code = last_code()
    assert texts[-1][0] == PHONE and "东城店" in texts[-1][1]
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.expires_at - row.created_at == timedelta(minutes=10)
    assert _verify(world, code).pk == row.pk
    with pytest.raises(CodeRefused) as refused:
        _verify(world, code)
    assert refused.value.reason == "wrong"


def test_a_wrong_code_counts_an_attempt_and_the_third_uses_it_up(world):
    _send(world)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for reason in ("wrong", "wrong", "used_up"):
        with pytest.raises(CodeRefused) as refused:
            _verify(world, wrong)
        assert refused.value.reason == reason
    with pytest.raises(CodeRefused) as refused:
        _verify(world, code)  # even the right one, now
    assert refused.value.reason == "used_up"


def test_an_expired_code_is_refused(world):
    _send(world, now=timezone.now() - timedelta(minutes=11))
    with pytest.raises(CodeRefused) as refused:
        _verify(world, last_code())
    assert refused.value.reason == "expired"
    assert "expired" in refused.value.message


def test_a_new_code_replaces_the_earlier_one(world, settings):
    settings.KESU_PORTAL_CODE_INTERVAL_SECONDS = 0
    _send(world)
    first = last_code()
    _send(world)
    second = last_code()
    if first != second:
        with pytest.raises(CodeRefused):
            _verify(world, first)
    assert _verify(world, second)


def test_one_code_a_minute_per_number(world):
    _send(world)
    with pytest.raises(CodeRefused) as refused:
        _send(world)
    assert refused.value.reason == "too_soon"
    _send(world, phone=OTHER_PHONE)  # another number is not held up


def test_codes_per_number_are_limited_per_hour(world, settings):
    settings.KESU_PORTAL_CODE_INTERVAL_SECONDS = 0
    settings.KESU_PORTAL_CODES_PER_PHONE = 3
    for i in range(3):
        _send(world, address=f"10.0.1.{i}")
    with pytest.raises(CodeRefused) as refused:
        _send(world, address="10.0.1.99")
    assert refused.value.reason == "phone_limit"
    assert PhoneCode.objects.filter(phone=PHONE).count() == 3


def test_codes_per_address_are_limited_per_hour(world, settings):
    settings.KESU_PORTAL_CODES_PER_ADDRESS = 2
    _send(world, phone="+8613800000001")
    _send(world, phone="+8613800000002")
    with pytest.raises(CodeRefused) as refused:
        _send(world, phone="+8613800000003")
    assert refused.value.reason == "address_limit"
    _send(world, phone="+8613800000003", address="10.9.9.9")  # another address may


def test_a_landline_gets_no_code(world, texts):
    with pytest.raises(CodeRefused) as refused:
        _send(world, phone="+861062345678")
    assert refused.value.reason == "not_mobile"
    assert texts == []


def test_repeated_failures_ask_for_the_human_check(world):
    _send(world)
    assert not needs_human_check(phone=PHONE, address="10.0.0.1")
    for _i in range(3):
        with pytest.raises(CodeRefused):
            _verify(world, "999999" if last_code() != "999999" else "888888")
    assert needs_human_check(phone=PHONE)
    assert needs_human_check(address="10.0.0.1")
    assert not needs_human_check(phone=OTHER_PHONE, address="10.0.0.2")


def test_a_provider_failure_is_a_clear_refusal(world, settings):
    settings.KESU_SMS_BACKEND = "kesu.portal.tests.test_codes.BrokenBackend"
    with pytest.raises(CodeRefused) as refused:
        _send(world)
    assert refused.value.reason == "not_sent"
    assert not PhoneCode.objects.filter(used_at__isnull=True).exists()


class BrokenBackend:
    def send(self, *, phone, text):
        from kesu.callbacks.sms import SmsError

        raise SmsError("provider down")


def test_a_code_not_sent_does_not_count_against_the_limits(world, settings):
    settings.KESU_PORTAL_CODES_PER_PHONE = 1
    settings.KESU_SMS_BACKEND = "kesu.portal.tests.test_codes.BrokenBackend"
    with pytest.raises(CodeRefused):
        _send(world)
    settings.KESU_SMS_BACKEND = "kesu.callbacks.sms.MemoryBackend"
    _send(world)  # neither "too soon" nor over the number's limit: the failed one was given back
    assert last_code()


def test_a_refusal_by_one_limit_takes_nothing_from_the_others(world, settings):
    settings.KESU_PORTAL_CODES_PER_ADDRESS = 1
    _send(world, phone=OTHER_PHONE)
    with pytest.raises(CodeRefused) as refused:
        _send(world)  # over the address's limit
    assert refused.value.reason == "address_limit"
    # This number's minute and hour were not used up by the refused request.
    _send(world, address="10.9.9.9")


@pytest.mark.django_db(transaction=True)
def test_requests_at_once_never_send_more_codes_than_the_limit(world, settings, texts):
    """Threads asking at the same moment, each for another number from one address: each code
    is counted before it is sent, so exactly the limit go out."""
    from threading import Barrier, Thread

    from django.db import connections

    settings.KESU_PORTAL_CODES_PER_ADDRESS = 3
    barrier = Barrier(6)
    reasons: list[str] = []

    def ask(n: int):
        try:
            barrier.wait()
            _send(world, phone=f"+86138000000{n:02d}")
            reasons.append("sent")
        except CodeRefused as refused:
            reasons.append(refused.reason)
        finally:
            connections.close_all()

    threads = [Thread(target=ask, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(reasons) == ["address_limit"] * 3 + ["sent"] * 3
    assert len(texts) == 3


def test_with_the_counters_unreachable_no_code_is_sent_and_the_check_is_asked(world, texts):
    from django.test import override_settings

    dead = "redis://127.0.0.1:9/1"  # the discard port: no Redis answers
    backend = "django.core.cache.backends.redis.RedisCache"
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    caches = {"default": {"BACKEND": backend, "LOCATION": dead, "OPTIONS": options}}
    with override_settings(KESU_CACHE_URL=dead, CACHES=caches):
        with pytest.raises(CodeRefused) as refused:
            _send(world)
        assert refused.value.reason == "not_sent"  # fail closed: a text costs money
        assert needs_human_check(phone=PHONE, address="10.0.0.1")
    assert texts == [] and not PhoneCode.objects.exists()
