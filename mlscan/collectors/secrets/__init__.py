"""Committed secrets (detect-secrets over the files ML teams commit) and what they unlock."""
