"""Attune: two-minute daily lessons for mental-health clinicians, delivered on Telegram."""
