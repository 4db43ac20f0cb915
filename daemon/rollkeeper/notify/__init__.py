"""Telling people: the channels (email, Slack, webhook, apprise) and the notices they send."""
