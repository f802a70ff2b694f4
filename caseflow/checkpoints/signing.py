"""The checkpoints' Ed25519 key: kept in a file outside the database, named by the configuration."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class KeyUnavailable(RuntimeError):
    """The configured signing key cannot be read."""


def load_key(path: Path, create: bool) -> Ed25519PrivateKey:
    """Read the PEM private key at `path`; create it first when it is missing and `create` (development)."""
    if not path.exists() and create:
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise KeyUnavailable(f"the checkpoint key {path} cannot be read: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyUnavailable(f"the checkpoint key {path} is not an Ed25519 key")
    return key


def key_id(public: Ed25519PublicKey) -> str:
    """A short name for a public key: the first 16 hex digits of SHA-256 over its raw bytes."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return key.sign(message).hex()


def signature_holds(public: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        public.verify(bytes.fromhex(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True
