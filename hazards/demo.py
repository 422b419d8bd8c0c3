"""Filled in by its owner (see hazards/apps.py)."""
