"""The one configuration schema and its loading."""
