"""`energysim schema`: the scenario file's JSON Schema, for editors that validate as you type."""

from __future__ import annotations

import json

import typer


def schema() -> None:
    """Print the JSON Schema of scenario files."""
    from energysim.scenario.schema import Scenario

    document = Scenario.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True))
