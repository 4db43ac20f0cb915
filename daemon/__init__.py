"""rollkeeper: the on-set footage backup agent (import name `daemon`)."""

__version__ = "0.1.0"
