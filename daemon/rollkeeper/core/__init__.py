"""The pure domain: roll states, readiness, the clearance rule, folder layouts, events, words.

Nothing here does I/O; everything is a function over plain data.
"""
