"""Uploading verified rolls to primary storage in one pass, with proof of every stored byte."""
