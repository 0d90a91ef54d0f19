"""Literal bucket references in Python storage calls."""
