"""Spike alerts: counting mentions per brand in windows, deciding spikes and recoveries, delivering them."""
