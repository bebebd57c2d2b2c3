"""The record contract documents itself: every field has a Vietnamese title and a description."""

import pytest

from ocop.schema import load_schema


def fields(schema, prefix=""):
    for key, sub in schema.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        yield path, sub
        yield from fields(sub, path)
        if "items" in sub:
            yield from fields(sub["items"], path + "[]")


@pytest.mark.parametrize("name", ["product", "province"])
def test_every_field_has_title_and_description(name):
    missing = [path for path, sub in fields(load_schema(name)) if not (sub.get("title") and sub.get("description"))]
    assert missing == []


def test_readme_example_field_names_exist():
    schema = load_schema("product")
    for key in ["id", "name", "province", "province_at_recognition", "commune", "group", "stars", "score",
                "producer", "certification", "status", "sources", "description"]:
        assert key in schema["properties"]
