"""No product module is over 400 lines (docs/architecture.md, "Inside an app"): past that, a module is
split by what changes together. Every app's Python files and the scripts are read; migrations and
tests are not product code."""

from pathlib import Path

from tests.config.test_import_arrows import APPS

ROOT = Path(__file__).resolve().parents[2]
MOST_LINES = 400


def product_files():
    for folder in (*APPS, "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if not {"migrations", "tests"} & set(path.relative_to(ROOT).parts):
                yield path


def test_the_walk_reads_every_app_and_the_scripts():
    read = {path.relative_to(ROOT).parts[0] for path in product_files()}
    assert read == {*APPS, "scripts"}


def test_no_product_module_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in product_files()
        if (lines := len(path.read_text().splitlines())) > MOST_LINES
    }
    assert long == {}, f"split by what changes together (docs/architecture.md): {long}"
