"""The daemon's local, read-only page of drives, rolls and alarms, and its JSON API."""
