"""Pack format: pydantic models, the YAML loader with line/column marks, the registry."""
