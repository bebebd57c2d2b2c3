"""Writing report tables: aligned text for a terminal, CSV (UTF-8 with BOM, for Excel) and XLSX."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from .monitoring import Table


def _width(text: str) -> int:
    """Display width: combining marks take no column (text is NFC, but be safe)."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text(tables: list[Table]) -> str:
    """The tables as aligned plain text."""
    out = []
    for table in tables:
        cells = [list(map(str, table.headers))] + [[str(v) for v in row] for row in table.rows]
        widths = [max(_width(row[i]) for row in cells) for i in range(len(table.headers))]
        out.append(f"== {table.title}")
        if not table.rows:
            out.append("(không có)")
        else:
            for n, row in enumerate(cells):
                out.append("  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths)).rstrip())
                if n == 0:
                    out.append("  ".join("-" * w for w in widths))
        out.append("")
    return "\n".join(out)


def csv_text(tables: list[Table]) -> str:
    """One CSV: a column naming the table, then that table's columns (headers repeated per table)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for table in tables:
        writer.writerow(("Bảng", *table.headers))
        for row in table.rows:
            writer.writerow((table.title, *row))
    return buffer.getvalue()


def write_csv(tables: list[Table], path: Path) -> None:
    path.write_text(csv_text(tables), encoding="utf-8-sig")


def write_xlsx(tables: list[Table], path: Path) -> None:
    """One sheet per table, a bold header row, columns sized to their text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        name = _sheet_name(table.sheet or table.title, used)
        sheet = book.create_sheet(name)
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(list(table.headers))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(list(row))
        for i, header in enumerate(table.headers):
            longest = max([len(str(header))] + [len(str(r[i])) for r in table.rows])
            sheet.column_dimensions[sheet.cell(row=2, column=i + 1).column_letter].width = min(60, longest + 2)
    book.save(path)


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title.split(":")[0] if ch not in "[]*?/\\")[:28] or "Bảng"
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base[:26]} {n}"
    used.add(name)
    return name
