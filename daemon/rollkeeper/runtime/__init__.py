"""The daemon: wiring, the main loop, jobs, mount tracking, background threads."""
