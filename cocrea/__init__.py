"""Cocrea: plan, co-create, execute and publicly report Open Government commitments."""
