"""Property tests for the report cryptography (hypothesis). Argon2id runs at its minimum cost
here; the algorithm is the same, only slower in production."""

import nacl.pwhash
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.exceptions import CryptoError

from samenaanpak.reports import crypto

FAST = crypto.KdfParams(
    opslimit=nacl.pwhash.argon2id.OPSLIMIT_MIN, memlimit=nacl.pwhash.argon2id.MEMLIMIT_MIN
)
PEPPER = b"pepper-from-the-environment"
passwords = st.text(min_size=1, max_size=64)


def test_receipt_has_at_least_80_bits_in_groups_of_four():
    receipt = crypto.generate_receipt()
    groups = receipt.split("-")
    assert len(groups) == 5 and all(len(g) == 4 for g in groups)
    assert len(crypto.CROCKFORD) ** len(receipt.replace("-", "")) >= 2**80
    assert len({crypto.generate_receipt() for _ in range(1000)}) == 1000


@given(st.lists(st.sampled_from(crypto.CROCKFORD), min_size=20, max_size=20), st.data())
def test_receipt_reads_back_in_any_case_spacing_and_with_lookalikes(chars, data):
    canonical = "".join(chars)
    receipt = crypto.format_receipt(canonical)
    typed = []
    for ch in canonical:
        options = [ch, ch.lower()]
        options += {"0": ["O", "o"], "1": ["I", "i", "L", "l"]}.get(ch, [])
        typed.append(data.draw(st.sampled_from(options)))
        typed.append(data.draw(st.sampled_from(["", "", " ", "-"])))
    assert crypto.normalise_receipt("".join(typed)) == canonical
    assert crypto.receipt_digest("".join(typed), PEPPER) == crypto.receipt_digest(receipt, PEPPER)


@pytest.mark.parametrize("bad", ["", "1234", "U" * 20, "!" * 20, "7KQ2-M9XD-AB12-CD34-EF56-GH78"])
def test_invalid_receipts_are_refused(bad):
    with pytest.raises(crypto.InvalidReceipt):
        crypto.normalise_receipt(bad)


def test_digest_depends_on_the_pepper_and_hides_the_receipt():
    receipt = crypto.generate_receipt()
    digest = crypto.receipt_digest(receipt, PEPPER)
    assert digest != crypto.receipt_digest(receipt, b"another pepper")
    assert receipt.replace("-", "") not in digest


@settings(max_examples=25, deadline=None)
@given(st.binary(max_size=4096))
def test_report_content_round_trips_through_every_way_in(content):
    team_private, team_public = crypto.new_key_pair()
    recovery_private, recovery_public = crypto.new_key_pair()
    receipt = crypto.generate_receipt()
    keys = crypto.new_report_keys(receipt, team_public, recovery_public, FAST)
    sealed = crypto.seal(keys.public_key, content)
    assert len(content) < 16 or content not in sealed  # (a short one may occur in random bytes)
    for report_private in (
        crypto.open_with_receipt(keys, receipt.lower(), FAST),
        crypto.open_with_team_key(keys, team_private),
        crypto.open_with_recovery_key(keys, recovery_private),
    ):
        assert crypto.unseal(report_private, sealed) == content


def test_wrong_receipt_or_wrong_key_opens_nothing():
    team_private, team_public = crypto.new_key_pair()
    _, recovery_public = crypto.new_key_pair()
    receipt = crypto.generate_receipt()
    keys = crypto.new_report_keys(receipt, team_public, recovery_public, FAST)
    with pytest.raises(crypto.InvalidReceipt):
        crypto.open_with_receipt(keys, crypto.generate_receipt(), FAST)
    other_private, _ = crypto.new_key_pair()
    with pytest.raises(CryptoError):
        crypto.open_with_team_key(keys, other_private)


@settings(max_examples=15, deadline=None)
@given(passwords, passwords)
def test_member_keeps_access_after_password_change(old_password, new_password):
    team_private, team_public = crypto.new_key_pair()
    member = crypto.new_member_key(old_password, FAST)
    sealed_team_key = crypto.grant_team_key(team_private, member.public_key)

    changed = crypto.rewrap_member_key(member, old_password, new_password, FAST)
    assert (
        changed.public_key == member.public_key
        and changed.wrapped_private_key != member.wrapped_private_key
    )
    member_private = crypto.unwrap_member_key(changed, new_password, FAST)
    assert crypto.open_team_key(sealed_team_key, member_private) == team_private
    if new_password != old_password:
        with pytest.raises(CryptoError):
            crypto.unwrap_member_key(changed, old_password, FAST)


def test_a_member_who_can_read_grants_access_to_a_new_member():
    team_private, team_public = crypto.new_key_pair()
    _, recovery_public = crypto.new_key_pair()
    first = crypto.new_member_key("eerste-wachtwoord", FAST)
    sealed_for_first = crypto.grant_team_key(team_private, first.public_key)
    receipt = crypto.generate_receipt()
    keys = crypto.new_report_keys(receipt, team_public, recovery_public, FAST)
    message = crypto.seal(keys.public_key, b"zorgen om een jongere")

    newcomer = crypto.new_member_key("nieuw-wachtwoord", FAST)
    team_key = crypto.open_team_key(
        sealed_for_first, crypto.unwrap_member_key(first, "eerste-wachtwoord", FAST)
    )
    sealed_for_newcomer = crypto.grant_team_key(team_key, newcomer.public_key)

    newcomer_team_key = crypto.open_team_key(
        sealed_for_newcomer, crypto.unwrap_member_key(newcomer, "nieuw-wachtwoord", FAST)
    )
    assert (
        crypto.unseal(crypto.open_with_team_key(keys, newcomer_team_key), message)
        == b"zorgen om een jongere"
    )


def test_recovery_key_restores_access_when_no_member_can_read():
    team_private, team_public = crypto.new_key_pair()
    recovery_private, recovery_public = crypto.new_key_pair()
    keys = crypto.new_report_keys(crypto.generate_receipt(), team_public, recovery_public, FAST)
    message = crypto.seal(keys.public_key, b"inhoud")
    # Every member lost their password: a new team key pair, and each report re-sealed via recovery.
    new_team_private, new_team_public = crypto.new_key_pair()
    report_private = crypto.open_with_recovery_key(keys, recovery_private)
    resealed_for_team = crypto.seal(new_team_public, report_private)
    assert crypto.unseal(crypto.unseal(new_team_private, resealed_for_team), message) == b"inhoud"
