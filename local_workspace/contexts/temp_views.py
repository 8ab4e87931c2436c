"""Session-scoped temporary views of one execution context, kept as SQL ASTs.

The engine runs each query on its own cursor, so DuckDB temp views would not be visible to the
next statement; instead the context keeps ``name → query`` and expands references to those
names (relations read in FROM/JOIN) into subqueries before a statement reaches the engine.
Definitions are expanded when created, so a view over another view keeps its meaning.
"""

from __future__ import annotations

from sqlglot import exp


class TempViews:
    """Temporary views by lower-cased name; not shared between contexts."""

    def __init__(self) -> None:
        self._views: dict[str, exp.Query] = {}

    def define(self, name: str, query: exp.Query, replace: bool = True) -> None:
        """Create (or replace) ``name``; a second create without replace is an error."""
        key = name.lower()
        if key in self._views and not replace:
            raise TempViewExists(
                f"[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view `{name}` "
                "because it already exists. SQLSTATE: 42P07"
            )
        self._views[key] = self.expand(query)

    def drop(self, name: str) -> bool:
        """Forget ``name``; False if it was not a temporary view."""
        return self._views.pop(name.lower(), None) is not None

    def __len__(self) -> int:
        return len(self._views)

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._views

    def expand(self, tree: exp.Expression) -> exp.Expression:
        """``tree`` with every relation naming a temporary view replaced by its query."""
        if not self._views:
            return tree
        shadowed = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}

        def replace(node: exp.Expression) -> exp.Expression:
            if not self._is_reference(node, shadowed):
                return node
            alias = node.alias or node.name
            return exp.Subquery(
                this=self._views[node.name.lower()].copy(),
                alias=exp.TableAlias(this=exp.to_identifier(alias)),
            )

        return tree.transform(replace, copy=True)

    def _is_reference(self, node: exp.Expression, shadowed: set[str]) -> bool:
        return (
            isinstance(node, exp.Table)
            and isinstance(node.parent, (exp.From, exp.Join))
            and not node.args.get("db")
            and node.name.lower() in self._views
            and node.name.lower() not in shadowed
        )


class TempViewExists(ValueError):
    """CREATE TEMP VIEW of an existing name without OR REPLACE."""


def temp_view_definition(tree: exp.Expression) -> tuple[str, exp.Query, bool] | None:
    """(name, query, replace) if ``tree`` is CREATE [OR REPLACE] TEMP[ORARY] VIEW, else None."""
    if not isinstance(tree, exp.Create) or tree.args.get("kind", "").upper() != "VIEW":
        return None
    properties = tree.args.get("properties")
    temporary = properties is not None and any(
        isinstance(p, exp.TemporaryProperty) for p in properties.expressions
    )
    query = tree.args.get("expression")
    if not temporary or not isinstance(query, exp.Query):
        return None
    return tree.this.name, query, bool(tree.args.get("replace"))


def dropped_view(tree: exp.Expression) -> tuple[str, bool] | None:
    """(name, if_exists) if ``tree`` is DROP VIEW of an unqualified name, else None."""
    if not isinstance(tree, exp.Drop) or str(tree.args.get("kind", "")).upper() != "VIEW":
        return None
    tables = tree.args.get("tables") or [tree.this]
    table = tables[0] if tables else None
    if not isinstance(table, exp.Table) or table.args.get("db"):
        return None
    return table.name, bool(tree.args.get("exists"))
