from __future__ import annotations

from enum import StrEnum

import typer


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


FormatOption = typer.Option(Format.TABLE, "--format", help="Output as a table or as JSON")
