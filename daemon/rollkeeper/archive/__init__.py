"""The archival copy: providers that report (or make) it, and the poller that asks them."""
