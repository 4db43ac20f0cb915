"""`rollkeeper service install|uninstall|status`: rollkeeper as a systemd unit or a launchd job.

One backend per platform (`systemd`, `launchd`), each rendering its file from a `ServiceSpec`
(`spec`) and saying, as a `Plan` of files and argv lists (`model`), what installing, removing
or asking about the service takes; `apply` carries a plan out (or prints it, `--dry-run`) without
a shell anywhere; `command` is the click group.
"""
