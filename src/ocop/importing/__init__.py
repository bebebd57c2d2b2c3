"""Importers that turn published reference tables into committed YAML records."""
