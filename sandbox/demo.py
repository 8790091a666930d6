"""The seeded demo sellers' credentials, for the demo, the CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass

from skuport.sandbox.seed import build_state
from skuport.sandbox.state import BY_ID


@dataclass(frozen=True)
class DemoSeller:
    """What a store needs to connect to one sandbox seller."""

    name: str
    selling_partner_id: str
    region: str
    client_id: str
    client_secret: str
    refresh_token: str
    marketplace_ids: tuple[str, ...]
    countries: tuple[str, ...]


def demo_credentials(seed: int = 1, size: str = "demo") -> list[DemoSeller]:
    """The NA and EU sellers of a sandbox started with `seed` (same seed, same credentials)."""
    state = build_state(seed, size)
    return [
        DemoSeller(
            name=s.name,
            selling_partner_id=s.seller_id,
            region=s.region,
            client_id=s.client_id,
            client_secret=s.client_secret,
            refresh_token=s.refresh_token,
            marketplace_ids=tuple(s.marketplace_ids),
            countries=tuple(BY_ID[m].country for m in s.marketplace_ids),
        )
        for s in state.sellers.values()
    ]
