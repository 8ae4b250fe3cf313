"""The one-way arrows between apps and no import circle (docs/architecture.md, "Layout").

Every import in the product code, at module level or inside a function, is read with `ast`."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("config", "organisations", "accounts", "carehomes", "workstreams", "discharge", "actionplan")
APPS += ("dashboard", "api", "nonprod")

# What each app may import besides itself (docs/architecture.md). `config`'s wiring modules
# (urls, views, presenters) sit above the apps they wire together.
BELOW = {
    "config": set(),
    "organisations": {"config"},
    "accounts": {"config", "organisations"},
    "carehomes": {"config", "organisations", "accounts"},
    "workstreams": {"config", "organisations", "accounts", "carehomes"},
    "discharge": {"config", "organisations", "accounts", "carehomes"},
    "actionplan": {"config", "organisations", "accounts", "carehomes", "workstreams", "discharge"},
    "dashboard": {
        "config",
        "organisations",
        "accounts",
        "carehomes",
        "workstreams",
        "discharge",
        "actionplan",
    },
    "api": {
        "config",
        "organisations",
        "accounts",
        "carehomes",
        "workstreams",
        "discharge",
        "actionplan",
        "dashboard",
    },
    "nonprod": set(APPS) - {"nonprod"},
}
CONFIG_WIRING = {"config.urls", "config.views", "config.presenters", "config.settings", "config.celery"}


def product_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield name.removesuffix(".__init__"), path


def imports_of(name, path):
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in found if module.split(".")[0] in APPS}


def graph():
    modules = dict(product_modules())
    return {
        name: {target for target in imports_of(name, path) if target in modules and target != name}
        for name, path in modules.items()
    }


def test_apps_import_only_the_apps_below_them():
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in graph().items()
        for target in targets
        if (app := name.split(".")[0]) != (other := target.split(".")[0])
        and other not in BELOW[app]
        and not (app == "config" and name in CONFIG_WIRING)
    )
    assert not wrong, wrong


def test_no_module_imports_nonprod():
    assert not [
        f"{n} imports {t}"
        for n, ts in graph().items()
        for t in ts
        if t.startswith("nonprod") and not n.startswith("nonprod")
    ]


def test_there_is_no_import_circle():
    edges = graph()
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert not circles, circles
