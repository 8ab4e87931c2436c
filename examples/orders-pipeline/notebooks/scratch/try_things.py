# Scratch work: excluded from the sync by pyproject.toml [tool.source-databricks.sync].
print("not synced")
