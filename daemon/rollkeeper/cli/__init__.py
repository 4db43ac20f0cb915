"""Thin commands: parse, call, render, exit code."""
