"""The tests themselves: none reads "today" when it is imported, and no browser test checks a page once.

A date or time read while a module is imported (a module constant, a class attribute, a default
argument, a decorator such as `parametrize`, a factory declaration) is the day the run started:
a run that crosses midnight then compares it with a new "today" and fails. Tests take it per test
or freeze it (`frozen_today`, `FROZEN_TODAY` in tests/conftest.py).

A browser test that asserts `locator.is_visible()`, compares `inner_text()` or `count()` once, or
reads `page.url` once, asks before the page may have answered; `expect(...)` waits for it.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

# Calls that read the clock: date.today(), datetime.now(), timezone.now(), timezone.localdate() ...
CLOCK = {"today", "now", "utcnow", "localdate", "localtime"}
# What a Playwright locator or page answers at once, without waiting.
ONCE = {
    "is_visible",
    "is_hidden",
    "is_checked",
    "is_enabled",
    "is_disabled",
    "is_editable",
    "inner_text",
    "inner_html",
    "text_content",
    "all_inner_texts",
    "all_text_contents",
    "input_value",
    "title",
    "content",
}
# Names that are not a page: `Model.objects....count()`, `mail.outbox`.
NOT_A_PAGE = {"objects", "outbox", "history"}


def called(node):
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def chain(node):
    """Every attribute and name in an expression such as `a.b(c).d`."""
    return {
        n.attr if isinstance(n, ast.Attribute) else n.id
        for n in ast.walk(node)
        if isinstance(n, ast.Attribute | ast.Name)
    }


class ImportTimeClock(ast.NodeVisitor):
    """Clock reads outside any function or lambda body (defaults and decorators are outside)."""

    def __init__(self):
        self.depth, self.found = 0, []

    def visit_FunctionDef(self, node):
        for expression in [*node.decorator_list, *node.args.defaults, *filter(None, node.args.kw_defaults)]:
            self.visit(expression)
        self.depth += 1
        for statement in node.body:
            self.visit(statement)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        for expression in node.args.defaults:
            self.visit(expression)
        self.depth += 1
        self.visit(node.body)
        self.depth -= 1

    def visit_Call(self, node):
        if self.depth == 0 and called(node) in CLOCK:
            self.found.append((node.lineno, ast.unparse(node)))
        self.generic_visit(node)


def import_time_clock_reads(source):
    visitor = ImportTimeClock()
    visitor.visit(ast.parse(source))
    return visitor.found


def checked_once(source):
    """Asserts on what a page answers at once: `assert x.is_visible()`, `assert page.url ...`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Assert):
            continue
        for inner in ast.walk(node.test):
            once = isinstance(inner, ast.Call) and (
                called(inner) in ONCE or (called(inner) == "count" and not chain(inner.func) & NOT_A_PAGE)
            )
            url = (
                isinstance(inner, ast.Attribute) and inner.attr == "url" and isinstance(inner.value, ast.Name)
            )
            if once or (url and inner.value.id in {"page", "phone", "person", "other"}):
                found.append((node.lineno, ast.unparse(node.test)[:100]))
                break
    return found


def test_no_test_reads_today_when_imported():
    found = [
        f"{path.relative_to(TESTS.parent)}:{line}: {code}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, code in import_time_clock_reads(path.read_text())
    ]
    assert found == [], "take 'today' per test or use frozen_today / FROZEN_TODAY:\n" + "\n".join(found)


def test_no_browser_test_checks_a_page_once():
    found = [
        f"{path.relative_to(TESTS.parent)}:{line}: {code}"
        for path in sorted((TESTS / "e2e").rglob("*.py"))
        for line, code in checked_once(path.read_text())
    ]
    assert found == [], (
        "wait with expect(...) (to_be_visible, to_have_text, to_have_count, to_have_url):\n"
        + ("\n".join(found))
    )


def test_the_checks_see_what_they_look_for():
    """The two scans are themselves able to fail."""
    assert import_time_clock_reads(
        "import datetime\n"
        "TODAY = datetime.date.today()\n"
        "class Factory:\n    day = timezone.localdate()\n"
        "def f(day=timezone.now()): return datetime.date.today()\n"
        "@pytest.mark.parametrize('d', [date.today()])\ndef test(d): pass\n"
    ) == [
        (2, "datetime.date.today()"),
        (4, "timezone.localdate()"),
        (5, "timezone.now()"),
        (6, "date.today()"),  # the decorator's line
    ]
    assert [
        line
        for line, _ in checked_once(
            "def test(page):\n"
            "    assert page.get_by_text('x').is_visible()\n"
            "    assert page.locator('h1').count() == 1\n"
            "    assert '/x/' in page.url\n"
            "    assert CareHome.objects.filter(a=1).count() == 4\n"
            "    assert len(mail.outbox) == 1\n"
        )
    ] == [2, 3, 4]
