"""MHL formats (legacy v1.1, ASC MHL v2), hashing, and verifying a roll's files against them."""
