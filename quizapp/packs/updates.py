"""Which packs changed `version` since the learner last saw them (home marks them "updated")."""

from __future__ import annotations

from collections.abc import Mapping


def version_updates(
    current: Mapping[str, int], seen: Mapping[str, int]
) -> dict[str, tuple[int, int]]:
    """Pack id → (seen version, current version) for packs whose version went up.

    A pack never seen before is new, not updated; a version that went down (an older copy
    reinstalled) is not news either.
    """
    return {
        pack_id: (seen[pack_id], version)
        for pack_id, version in current.items()
        if pack_id in seen and version > seen[pack_id]
    }
