"""rollkeeper: the on-set footage backup agent."""

__version__ = "0.1.0"
