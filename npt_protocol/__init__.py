"""Prepare, check and print Perineural Injection Treatment solutions and protocols, exactly."""

__version__ = "0.1.0"
