"""A Merkle tree over every case's head, so that one case can be proven against a signed root.

Leaves are the cases in id order; a leaf is SHA-256(0x00 || "case_id seq head"), an inner node
SHA-256(0x01 || left || right) (the prefixes keep a leaf from passing for a node); an odd node at the
end of a level moves up unchanged.
"""
from __future__ import annotations

import hashlib

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def leaf_line(case_id: int, seq: int, head: str | None) -> str:
    """One leaf as stored in a checkpoint's leaves file and as hashed."""
    return f"{case_id} {seq} {head or '-'}"


def leaf_hash(case_id: int, seq: int, head: str | None) -> bytes:
    return hashlib.sha256(b"\x00" + leaf_line(case_id, seq, head).encode()).digest()


def _parent(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _levels(leaves: list[bytes]) -> list[list[bytes]]:
    levels = [leaves]
    while len(levels[-1]) > 1:
        level = levels[-1]
        levels.append([_parent(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
                       for i in range(0, len(level), 2)])
    return levels


def root(leaves: list[bytes]) -> str:
    """The hex root over leaf hashes in order (the empty tree: SHA-256 of nothing)."""
    return _levels(leaves)[-1][0].hex() if leaves else EMPTY_ROOT


def proof(leaves: list[bytes], index: int) -> list[tuple[str, str]]:
    """The path from leaf `index` to the root: (side of the sibling, sibling's hex hash) per level."""
    path = []
    for level in _levels(leaves)[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(("left" if sibling < index else "right", level[sibling].hex()))
        index //= 2
    return path


def root_of_path(leaf: bytes, path: list[tuple[str, str]]) -> str:
    """The root a leaf and its path lead to: equal to the signed root when the proof holds."""
    node = leaf
    for side, sibling in path:
        other = bytes.fromhex(sibling)
        node = _parent(other, node) if side == "left" else _parent(node, other)
    return node.hex()
