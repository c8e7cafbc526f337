"""Room codes (short, typed by students) and lecturer keys (long, never stored in clear)."""

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L: a code read off a projector is typed without guessing. 31**5 ≈ 28.6 million codes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5
KEY_BYTES = 24  # 192 random bits; token_urlsafe gives 32 characters
MAX_KEY_CHARS = 128  # a longer "key" is refused before hashing


def new_room_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalized_code(text: object) -> str | None:
    """The code a student typed, upper-cased and stripped, or None when it cannot be a room code."""
    if not isinstance(text, str) or len(text) > 4 * CODE_LENGTH:
        return None
    code = text.strip().upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def new_lecturer_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def key_digest(key: str) -> str:
    """SHA-256 of the key: what the store keeps, so reading the store does not give the key away."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_matches(key: object, digest: str) -> bool:
    """Whether `key` is the lecturer key whose digest is `digest`, compared in constant time."""
    if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY_CHARS:
        return False
    try:
        candidate = key_digest(key)
    except UnicodeEncodeError:  # a lone surrogate cannot be a key we made
        return False
    return hmac.compare_digest(candidate, digest)
