"""Collectors, one module per source family, in an explicit registry (see registry.py)."""
