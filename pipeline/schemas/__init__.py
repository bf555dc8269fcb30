"""The JSON Schemas of a record and of an extraction, shipped inside the package (schemas/ at the top is the published copy)."""
