#!/usr/bin/env python3
"""Fail when a views module touches the ORM through `Model.objects` (docs/architecture.md).

Views parse, call one selector or service, and render: reads go through `<app>/selectors.py`,
writes through `<app>/services.py`. This looks at every `views.py` and every module of a `views/`
package (migrations, tests and the virtualenv aside) and names each `.objects` it finds.

    python scripts/lint_orm_in_views.py [ROOT]      # exit status 1 when any is found
"""

import ast
import sys
from pathlib import Path

SKIPPED_PARTS = {".venv", "node_modules", "migrations", "tests", ".git"}


def views_modules(root: Path):
    for path in sorted(root.rglob("*.py")):
        if SKIPPED_PARTS & set(path.relative_to(root).parts):
            continue
        if path.name.endswith("views.py") or path.parent.name == "views":
            yield path


def orm_uses(path: Path):
    """(line, text) for each `<something>.objects` in the module, in line order."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    uses = [
        (node.lineno, ast.unparse(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]
    return sorted(uses)


def main(argv):
    root = Path(argv[1] if len(argv) > 1 else ".").resolve()
    found = [
        f"{path.relative_to(root)}:{line}: {text} in a view; read through a selector or write through a service"
        for path in views_modules(root)
        for line, text in orm_uses(path)
    ]
    for message in found:
        print(message)
    if found:
        print(
            f"{len(found)} ORM use(s) in views (see docs/architecture.md, 'Inside an app').", file=sys.stderr
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
