"""The static, versioned JSON API under output/api/v1/ and its OpenAPI 3.1 description.

``index.json`` lists every product and province; ``products/<id>.json`` holds one record exactly as in its
YAML file, what the register derives from it and its change history; ``provinces/<code>.json`` one provincial
unit with its products. ``openapi.json`` describes all of it; its record schema *is* the record contract
(``schema/product.schema.json``, English titles added from ``product.en.json``), so field documentation has
one source. The tests validate every file against it.
"""

from __future__ import annotations

import copy
import datetime as dt
from json.encoder import encode_basestring
from typing import Any

from . import schema
from .export import DATA_LICENSE, Raw, english
from .history import ACTIONS, Change, History
from .lifecycle import STATUSES as STATUS_LABELS
from .model import GROUPS, Product
from .provinces import Province
from .redirects import Removed
from .register import Register

VERSION = "v1"
PREFIX = f"api/{VERSION}"


def summary(product: Product, today: dt.date) -> dict:
    """A product in index.json and the provinces' documents (as ``summaries`` writes it)."""
    return {"id": product.id, "name": product.name, "province": product.province.code, "stars": product.stars,
            "group": product.group, "status_as_of": product.status_on(today), "url": product.url,
            "api": f"products/{product.id}.json"}


def summaries(products: list[Product], today: dt.date, line: str) -> Raw:
    """The summaries of *products* (sorted by id) as a JSON array where json.dumps(indent=1) writes it on a line
    *line* (a new line and its indentation): the same text, written in one f-string per product (20,000 of them
    in index.json at every build)."""
    if not products:
        return Raw("[]")
    inner, field = line + " ", line + "  "
    quote = encode_basestring
    rows = []
    for p in sorted(products, key=lambda p: p.id):
        stars, group = p.stars, p.group
        rows.append(f'{{{field}"id": {quote(p.id)},{field}"name": {quote(p.name)},{field}"province": '
                    f'{quote(p.province.code)},{field}"stars": {"null" if stars is None else int(stars)},{field}"group": '
                    f'{"null" if group is None else quote(group)},{field}"status_as_of": {quote(p.status_on(today))},'
                    f'{field}"url": {quote(p.url)},{field}"api": {quote(f"products/{p.id}.json")}{inner}}}')
    return Raw(f"[{inner}{(',' + inner).join(rows)}{line}]")


def derived(product: Product, today: dt.date, site_url: str) -> dict:
    return {
        "province_name": product.province.name,
        "province_label": product.province_label,
        "group_label": GROUPS.get(product.group) if product.group else None,
        "expires_on": product.expires_on.isoformat() if product.expires_on else None,
        "status_as_of": product.status_on(today),
        "as_of": today.isoformat(),
        "url": f"{site_url}/{product.url}",
    }


def change_document(change: Change) -> dict:
    return {"commit": change.commit, "date": change.date, "author": change.author, "message": change.message,
            "action": change.action, "old_id": change.old_id,
            "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in change.fields]}


def product_document(product: Product, history: History, today: dt.date, site_url: str) -> dict:
    return {"api_version": VERSION, "id": product.id, "record": product.data,
            "derived": derived(product, today, site_url),
            "history": [change_document(c) for c in history.changes_of(product.id)]}


def province_document(province: Province, products: list[Product], today: dt.date) -> dict:
    return {"api_version": VERSION, "code": province.code, "name": province.name, "type": province.type,
            "full_name": province.full_name,
            "former_provinces": [{"code": f.code, "name": f.name, "type": f.type} for f in province.former],
            "source": province.source, "count": len(products),
            "products": summaries(products, today, "\n ")}


def index_document(register: Register, history: History, today: dt.date, redirects: dict[str, str],
                   removed: list[Removed]) -> dict:
    counts: dict[str, int] = {p.code: 0 for p in register.provinces}
    for product in register.products:
        counts[product.province.code] += 1
    return {
        "api_version": VERSION,
        "title": "Sổ đăng ký sản phẩm OCOP mở",
        "license": DATA_LICENSE,
        "as_of": today.isoformat(),
        "commit": history.head,
        "count": len(register.products),
        "openapi": "openapi.json",
        "datapackage": "../../data/datapackage.json",
        "products": summaries(register.products, today, "\n "),
        "provinces": [{"code": p.code, "name": p.name, "count": counts[p.code], "api": f"provinces/{p.code}.json"}
                      for p in register.provinces],
        "former_ids": dict(sorted(redirects.items())),
        "removed": [{"id": r.id, "name": r.name, "removed_on": r.removed_on, "commit": r.commit} for r in removed],
    }


# --- the OpenAPI description -------------------------------------------------------------------------------

def _with_english(node: dict, prefix: str = "") -> dict:
    for key, sub in node.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        en = english().get(path)
        if en:
            sub["x-title-en"], sub["x-description-en"] = en["title"], en["description"]
        _with_english(sub, path)
    return node


def record_schema() -> dict:
    """The product record contract as an OpenAPI 3.1 schema object (JSON Schema 2020-12 already)."""
    record = copy.deepcopy(schema.load_schema("product"))
    for key in ("$schema", "$id"):
        record.pop(key, None)
    return _with_english(record)


def _nullable(type_: str, **more: Any) -> dict:
    return {"type": [type_, "null"], **more}


def _response(description: str, ref: str) -> dict:
    return {"200": {"description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}}


def openapi_document(site_url: str) -> dict:
    """OpenAPI 3.1 description of every file under api/v1/."""
    statuses = list(STATUS_LABELS)
    summary_schema = {
        "type": "object", "additionalProperties": False,
        "required": ["id", "name", "province", "stars", "group", "status_as_of", "url", "api"],
        "properties": {
            "id": {"$ref": "#/components/schemas/ProductRecord/properties/id"},
            "name": {"type": "string", "description": "Tên sản phẩm / product name"},
            "province": {"type": "string", "pattern": "^[0-9]{2}$", "description": "Mã tỉnh hiện nay / current province code"},
            "stars": _nullable("integer", enum=[3, 4, 5, None], description="Hạng sao / star rating"),
            "group": _nullable("string", enum=[*GROUPS, None], description="Ngành / sector"),
            "status_as_of": {"type": "string", "enum": statuses, "description": "Tình trạng tại ngày tính / status on the as-of date"},
            "url": {"type": "string", "pattern": "^san-pham/[a-z0-9-]+/$", "description": "Trang sản phẩm, tương đối với gốc trang / page, relative to the site root"},
            "api": {"type": "string", "pattern": "^products/[a-z0-9-]+\\.json$", "description": "Tài liệu API, tương đối với api/v1/ / API document, relative to api/v1/"},
        },
    }
    change_schema = {
        "type": "object", "additionalProperties": False,
        "required": ["commit", "date", "author", "message", "action", "old_id", "fields"],
        "properties": {
            "commit": {"type": "string", "pattern": "^[0-9a-f]{40}$", "description": "Commit git / git commit"},
            "date": {"type": "string", "format": "date-time", "description": "Thời điểm sửa (ISO 8601) / when the author made the change"},
            "author": {"type": "string", "description": "Người sửa / author"},
            "message": {"type": "string", "description": "Tiêu đề commit / commit subject"},
            "action": {"type": "string", "enum": list(ACTIONS), "description": "; ".join(f"{k}: {v}" for k, v in ACTIONS.items())},
            "old_id": _nullable("string", description="Mã cũ khi đổi mã / former id of a rename"),
            "fields": {"type": "array", "description": "Trường thay đổi, giá trị cũ và mới / fields changed, old and new values",
                       "items": {"type": "object", "additionalProperties": False, "required": ["field", "old", "new"],
                                 "properties": {"field": {"type": "string"}, "old": {}, "new": {}}}},
        },
    }
    derived_schema = {
        "type": "object", "additionalProperties": False,
        "required": ["province_name", "province_label", "group_label", "expires_on", "status_as_of", "as_of", "url"],
        "properties": {
            "province_name": {"type": "string", "description": "Tên tỉnh/thành hiện nay / current province name"},
            "province_label": {"type": "string", "description": "Tỉnh như trang hiển thị, ví dụ «Bạc Liêu (nay thuộc Cà Mau)» / province as shown"},
            "group_label": _nullable("string", description="Tên ngành / sector name"),
            "expires_on": _nullable("string", format="date", description="Hiệu lực đến: như ghi, hoặc 36 tháng sau quyết định / valid until (recorded or computed)"),
            "status_as_of": {"type": "string", "enum": statuses, "description": "Tình trạng tại ngày as_of / status on as_of"},
            "as_of": {"type": "string", "format": "date", "description": "Ngày tính tình trạng / date the status is computed on"},
            "url": {"type": "string", "format": "uri", "description": "Địa chỉ ổn định của trang sản phẩm / stable product page address"},
        },
    }
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "API tĩnh của Sổ đăng ký OCOP mở / Static API of the open OCOP register",
            "version": VERSION,
            "description": ("Tệp JSON tĩnh, dựng lại mỗi lần dữ liệu đổi; không cần khoá, không giới hạn. "
                            "Static JSON files rebuilt with the data; no key, no limits. The record schema is the "
                            "register's own contract (product.schema.json)."),
            "license": {"name": "CC BY 4.0 (dữ liệu / data)", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": f"{site_url}/{PREFIX}"}],
        "paths": {
            "/index.json": {"get": {"operationId": "getIndex", "summary": "Mọi sản phẩm và tỉnh / every product and province",
                                    "responses": _response("Chỉ mục / index", "Index")}},
            "/products/{id}.json": {"get": {
                "operationId": "getProduct", "summary": "Một sản phẩm / one product",
                "parameters": [{"name": "id", "in": "path", "required": True, "description": "Mã hồ sơ / record id",
                                "schema": {"$ref": "#/components/schemas/ProductRecord/properties/id"}}],
                "responses": _response("Hồ sơ, giá trị tính ra và lịch sử / record, derived values, history",
                                       "ProductDocument")}},
            "/provinces/{code}.json": {"get": {
                "operationId": "getProvince", "summary": "Một tỉnh/thành và sản phẩm / one province and its products",
                "parameters": [{"name": "code", "in": "path", "required": True, "description": "Mã GSO / GSO code",
                                "schema": {"type": "string", "pattern": "^[0-9]{2}$"}}],
                "responses": _response("Tỉnh/thành / province", "ProvinceDocument")}},
        },
        "components": {"schemas": {
            "ProductRecord": record_schema(),
            "Derived": derived_schema,
            "Change": change_schema,
            "ProductSummary": summary_schema,
            "ProductDocument": {
                "type": "object", "additionalProperties": False,
                "required": ["api_version", "id", "record", "derived", "history"],
                "properties": {
                    "api_version": {"const": VERSION},
                    "id": {"$ref": "#/components/schemas/ProductRecord/properties/id"},
                    "record": {"$ref": "#/components/schemas/ProductRecord"},
                    "derived": {"$ref": "#/components/schemas/Derived"},
                    "history": {"type": "array", "description": "Mới trước cũ sau / newest first",
                                "items": {"$ref": "#/components/schemas/Change"}},
                }},
            "ProvinceDocument": {
                "type": "object", "additionalProperties": False,
                "required": ["api_version", "code", "name", "type", "full_name", "former_provinces", "source", "count",
                             "products"],
                "properties": {
                    "api_version": {"const": VERSION},
                    "code": {"type": "string", "pattern": "^[0-9]{2}$"},
                    "name": {"type": "string"}, "type": {"type": "string"}, "full_name": {"type": "string"},
                    "former_provinces": {"type": "array", "items": {
                        "type": "object", "additionalProperties": False, "required": ["code", "name", "type"],
                        "properties": {"code": {"type": "string", "pattern": "^[0-9]{2}$"}, "name": {"type": "string"},
                                       "type": {"type": "string"}}}},
                    "source": {"type": "string"},
                    "count": {"type": "integer", "minimum": 0},
                    "products": {"type": "array", "items": {"$ref": "#/components/schemas/ProductSummary"}},
                }},
            "Index": {
                "type": "object", "additionalProperties": False,
                "required": ["api_version", "title", "license", "as_of", "commit", "count", "openapi", "datapackage",
                             "products", "provinces", "former_ids", "removed"],
                "properties": {
                    "api_version": {"const": VERSION},
                    "title": {"type": "string"},
                    "license": {"type": "object", "required": ["name", "path"]},
                    "as_of": {"type": "string", "format": "date"},
                    "commit": _nullable("string", pattern="^[0-9a-f]{40}$"),
                    "count": {"type": "integer", "minimum": 0},
                    "openapi": {"type": "string"}, "datapackage": {"type": "string"},
                    "products": {"type": "array", "items": {"$ref": "#/components/schemas/ProductSummary"}},
                    "provinces": {"type": "array", "items": {
                        "type": "object", "additionalProperties": False, "required": ["code", "name", "count", "api"],
                        "properties": {"code": {"type": "string", "pattern": "^[0-9]{2}$"}, "name": {"type": "string"},
                                       "count": {"type": "integer", "minimum": 0},
                                       "api": {"type": "string", "pattern": "^provinces/[0-9]{2}\\.json$"}}}},
                    "former_ids": {"type": "object", "description": "Mã cũ → mã hiện tại / former id → current id",
                                   "additionalProperties": {"type": "string"}},
                    "removed": {"type": "array", "description": "Hồ sơ đã xoá khỏi sổ / records deleted from the register",
                                "items": {"type": "object", "additionalProperties": False,
                                          "required": ["id", "name", "removed_on", "commit"],
                                          "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                                         "removed_on": {"type": "string", "format": "date"},
                                                         "commit": {"type": "string", "pattern": "^[0-9a-f]{40}$"}}}},
                }},
        }},
    }
