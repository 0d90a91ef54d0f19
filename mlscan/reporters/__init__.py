"""Reporters: one module per output format, each with render(result) -> str."""
