"""Stock levels pushed to Amazon (SY-1 … SY-3, OR-10) and shipments confirmed (FU-1)."""
