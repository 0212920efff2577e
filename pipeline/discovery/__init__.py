"""Outside-in discovery: terms that rise in a brand's mentions or co-occur with it (see docs/discovery.md)."""
