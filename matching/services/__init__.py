"""Matching services: scoring runs (scoring.py) and the request → mentorship lifecycle (lifecycle.py)."""
