"""`caseflow openapi print|write FILE`: the API's OpenAPI document, as the app generates it."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext


def _document_text() -> str:
    from caseflow.api.spec import openapi_document

    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


@click.group("openapi")
def openapi():
    """The API's OpenAPI document, generated from its code and the workflow definition."""


@openapi.command("print")
@with_appcontext
def print_document():
    """Print the OpenAPI document (JSON)."""
    click.echo(_document_text(), nl=False)


@openapi.command("write")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def write_document(file: Path):
    """Write the OpenAPI document (JSON) to FILE."""
    file.write_text(_document_text(), encoding="utf-8")
    click.echo(f"wrote the OpenAPI document to {file}")


COMMANDS = [openapi]
