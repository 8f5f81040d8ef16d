"""The cryptography of anonymous reports (docs/meldpunt.md, "What an attacker can and cannot see").

Pure functions over bytes and strings, no Django models, so they can be tested exhaustively:

- a receipt code of 100 random bits in Crockford base32, shown in groups of four; read back
  case-insensitively with O→0 and I/L→1; stored only as HMAC-SHA256(pepper, receipt);
- one X25519 key pair per report; content is sealed to its public key (libsodium sealed boxes);
- the report's private key is sealed three times: to a key derived from the receipt with
  Argon2id, to the handling team's public key, and to the organisation's recovery public key;
- the team's private key is sealed to each member's public key; a member's private key is
  wrapped with a key derived from the member's password (Argon2id) and re-wrapped when the
  password changes.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_BITS = 100  # at least 80 bits: not guessable (docs/meldpunt.md); 20 characters
RECEIPT_LENGTH = RECEIPT_BITS // 5
_READ_BACK = str.maketrans({"O": "0", "I": "1", "L": "1"})


class InvalidReceipt(ValueError):
    pass


def generate_receipt() -> str:
    """A new receipt code, e.g. '7KQ2-M9XD-…' (five groups of four)."""
    value = secrets.randbits(RECEIPT_BITS)
    chars = "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(RECEIPT_LENGTH)))
    return format_receipt(chars)


def format_receipt(receipt: str) -> str:
    return "-".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def normalise_receipt(text: str) -> str:
    """What a person typed back → the canonical 20 characters, or InvalidReceipt."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\n").translate(_READ_BACK)
    if len(cleaned) != RECEIPT_LENGTH or any(ch not in CROCKFORD for ch in cleaned):
        raise InvalidReceipt("not a receipt code")
    return cleaned


def receipt_digest(receipt: str, pepper: bytes) -> str:
    """The only form in which a receipt is stored: HMAC-SHA256 with a pepper from the environment."""
    return hmac.new(pepper, normalise_receipt(receipt).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. Production uses libsodium's 'interactive' level; tests may lower it."""

    opslimit: int = nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE
    memlimit: int = nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE


def derive_key(secret: str, salt: bytes, params: KdfParams = KdfParams()) -> bytes:
    return nacl.pwhash.argon2id.kdf(
        nacl.secret.SecretBox.KEY_SIZE,
        secret.encode(),
        salt,
        opslimit=params.opslimit,
        memlimit=params.memlimit,
    )


def new_salt() -> bytes:
    return nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)


# --- report content ----------------------------------------------------------------------------


def seal(public_key: bytes, plaintext: bytes) -> bytes:
    return SealedBox(PublicKey(public_key)).encrypt(plaintext)


def unseal(private_key: bytes, ciphertext: bytes) -> bytes:
    return SealedBox(PrivateKey(private_key)).decrypt(ciphertext)


@dataclass(frozen=True)
class ReportKeys:
    """What is stored for a report: its public key and three sealed copies of its private key."""

    public_key: bytes
    receipt_salt: bytes
    private_for_receipt: bytes
    private_for_team: bytes
    private_for_recovery: bytes


def new_report_keys(
    receipt: str,
    team_public_key: bytes,
    recovery_public_key: bytes | None,
    params: KdfParams = KdfParams(),
) -> ReportKeys:
    """Without a recovery key (not yet created by the organisation) the third copy is empty."""
    private = PrivateKey.generate()
    salt = new_salt()
    receipt_box = nacl.secret.SecretBox(derive_key(normalise_receipt(receipt), salt, params))
    raw = bytes(private)
    return ReportKeys(
        public_key=bytes(private.public_key),
        receipt_salt=salt,
        private_for_receipt=bytes(receipt_box.encrypt(raw)),
        private_for_team=seal(team_public_key, raw),
        private_for_recovery=seal(recovery_public_key, raw) if recovery_public_key else b"",
    )


def open_with_receipt(keys: ReportKeys, receipt: str, params: KdfParams = KdfParams()) -> bytes:
    """The report's private key for the reporter; InvalidReceipt when the code does not fit."""
    box = nacl.secret.SecretBox(derive_key(normalise_receipt(receipt), keys.receipt_salt, params))
    try:
        return box.decrypt(keys.private_for_receipt)
    except CryptoError as error:
        raise InvalidReceipt("receipt does not open this report") from error


def open_with_team_key(keys: ReportKeys, team_private_key: bytes) -> bytes:
    return unseal(team_private_key, keys.private_for_team)


def open_with_recovery_key(keys: ReportKeys, recovery_private_key: bytes) -> bytes:
    return unseal(recovery_private_key, keys.private_for_recovery)


# --- team and member keys ----------------------------------------------------------------------


def new_key_pair() -> tuple[bytes, bytes]:
    """(private, public) raw bytes: for the team, and for the offline recovery key."""
    private = PrivateKey.generate()
    return bytes(private), bytes(private.public_key)


@dataclass(frozen=True)
class MemberKey:
    public_key: bytes
    salt: bytes
    wrapped_private_key: bytes  # SecretBox under Argon2id(password, salt)


def wrap_member_key(
    private_key: bytes, public_key: bytes, password: str, params: KdfParams = KdfParams()
) -> MemberKey:
    """A member's key pair with the private half wrapped under the password (fresh salt)."""
    salt = new_salt()
    box = nacl.secret.SecretBox(derive_key(password, salt, params))
    return MemberKey(
        public_key=public_key, salt=salt, wrapped_private_key=bytes(box.encrypt(private_key))
    )


def new_member_key(password: str, params: KdfParams = KdfParams()) -> MemberKey:
    private, public = new_key_pair()
    return wrap_member_key(private, public, password, params)


def unwrap_member_key(member: MemberKey, password: str, params: KdfParams = KdfParams()) -> bytes:
    box = nacl.secret.SecretBox(derive_key(password, member.salt, params))
    return box.decrypt(member.wrapped_private_key)


def rewrap_member_key(
    member: MemberKey, old_password: str, new_password: str, params: KdfParams = KdfParams()
) -> MemberKey:
    """After a password change: the same key pair, wrapped under the new password."""
    return wrap_member_key(
        unwrap_member_key(member, old_password, params), member.public_key, new_password, params
    )


def grant_team_key(team_private_key: bytes, member_public_key: bytes) -> bytes:
    """A member who can read gives a (new) member access: the team key sealed to that member."""
    return seal(member_public_key, team_private_key)


def open_team_key(sealed_team_key: bytes, member_private_key: bytes) -> bytes:
    return unseal(member_private_key, sealed_team_key)
