"""OCOP open register: YAML records in git, validated and published as a static site."""

__version__ = "0.1.0"
