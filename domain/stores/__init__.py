"""Connected Amazon stores, their marketplaces and settings (ST-1 … ST-7)."""
