"""mlscan: a policy-as-code security scanner for machine-learning projects."""

__version__ = "0.1.0"
