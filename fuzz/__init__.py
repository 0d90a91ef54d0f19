"""Fuzzing targets shared by the atheris harness and the Hypothesis property tests."""
