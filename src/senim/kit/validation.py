"""Validation errors of owner-edited configuration (complaint rules, detection rules) as readable lines."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError


def problems(model: type[BaseModel], data: object, root: str = "(root)") -> list[str]:
    """What is wrong with ``data`` as a ``model``: "path: message" lines, empty when it is valid."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [
            f"{'.'.join(str(p) for p in err['loc']) or root}: {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        ]
    return []
