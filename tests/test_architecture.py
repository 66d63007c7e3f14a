"""The import direction docs/architecture.md states holds: no module imports against it.

Every import between kipolicy's modules counts, at the top of a module or inside a function;
only imports under ``if TYPE_CHECKING:`` (annotations, never run) do not.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path


PACKAGE = Path(__file__).resolve().parent.parent / "kipolicy"

#: The layers, lowest first: a subpackage each. A module imports only modules of its own
#: layer or a lower one. docs/architecture.md shows the same order; a new subpackage gets a
#: place in both. The package's front (``__init__``, ``__main__``) and the pytest plugin sit
#: on top.
LAYERS: tuple[str, ...] = (
    "_base", "_policy", "_document", "_facts", "_rules", "_views", "_report", "_assess", "_tools",
)
TOP = ("__init__", "__main__", "pytest_plugin")


def _layer(module: str) -> int:
    """The layer of a module named relative to the package (``_views.render``, ``__init__``)."""
    head = module.split(".")[0]
    return len(LAYERS) if head in TOP else LAYERS.index(head)


def _modules(package: Path) -> dict[str, Path]:
    """Every module, named relative to the package: ``_views.render``, ``_views`` (its
    ``__init__``), ``__init__``."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package).with_suffix("").parts)
        if len(parts) > 1 and parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking_only(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids |= {id(inner) for statement in node.body for inner in ast.walk(statement)}
    return ids


def _imports(package: Path = PACKAGE) -> dict[str, list[tuple[str, tuple[str, ...], int]]]:
    """Module → (imported module, names, line) for every import of one of the package's modules,
    at the top or inside a function, except those under ``if TYPE_CHECKING:``."""
    modules = _modules(package)
    out: dict[str, list[tuple[str, tuple[str, ...], int]]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_only(tree)
        # The package a relative import starts from: the module's own package.
        own = name.split(".")[:-1] if path.name != "__init__.py" or name == "__init__" else name.split(".")
        if name in TOP:
            own = []
        found = out.setdefault(name, [])
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.ImportFrom) and node.level >= 1:
                base = own[: len(own) - (node.level - 1)] if node.level > 1 else own
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
                names = tuple(alias.name for alias in node.names)
                if target in modules:
                    found.append((target, names, node.lineno))
                for alias in node.names:
                    child = f"{target}.{alias.name}" if target else alias.name
                    if child in modules:
                        found.append((child, (), node.lineno))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                dotted = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
                    [a.name for a in node.names] if isinstance(node, ast.Import) else []
                )
                for full in dotted:
                    if full.startswith("kipolicy.") and full[len("kipolicy."):] in modules:
                        found.append((full[len("kipolicy."):], (), node.lineno))
    return out


def test_every_module_is_in_a_layer_and_the_tree_shows_the_layers() -> None:
    modules = _modules(PACKAGE)
    outside = [m for m in modules if m.split(".")[0] not in (*LAYERS, *TOP)]
    assert outside == [], "put the module in a layer's subpackage (docs/architecture.md)"
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} == set(LAYERS)


def test_no_module_imports_a_higher_layer() -> None:
    against = [
        f"{module} ({LAYERS[_layer(module)] if _layer(module) < len(LAYERS) else 'top'}) imports {target} at line {line}"
        for module, imports in _imports().items()
        for target, _, line in imports
        if _layer(target) > _layer(module)
    ]
    assert against == []


def test_no_import_cycles_counting_imports_inside_functions() -> None:
    # A subpackage's __init__ holds only its docstring: importing a module of it is not a use of
    # the others.
    graph = {
        module: {target for target, _, _ in imports if (target != module and "." in target) or target in TOP}
        for module, imports in _imports().items()
    }
    cycles = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append(" → ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_no_private_name_is_imported_from_another_module() -> None:
    private = [
        f"{module} imports {name} from {target} (line {line})"
        for module, imports in _imports().items()
        for target, names, line in imports
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert private == []


def test_the_reader_sees_imports_inside_functions_and_skips_type_checking_ones(tmp_path: Path) -> None:
    # What the checks above read: an import inside a function counts, one for annotations only
    # does not; relative imports resolve from the module's own package.
    for package in ("_policy", "_report", "_views", "_assess"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "_policy" / "text.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .._report.report import Report\n"
        "from .words import WORDS\n"
        "def html():\n    from .._views.render import _css\n    import kipolicy._assess.assess\n",
        encoding="utf-8",
    )
    for module in ("_report/report", "_views/render", "_assess/assess", "_policy/words"):
        (tmp_path / f"{module}.py").write_text("", encoding="utf-8")
    found = _imports(tmp_path)["_policy.text"]
    assert [(target, names) for target, names, _ in found] == [
        ("_policy.words", ("WORDS",)), ("_views.render", ("_css",)), ("_assess.assess", ()),
    ]


def test_the_pytest_plugin_does_not_load_the_engine_when_pytest_starts() -> None:
    # pytest loads every installed plugin at start-up; kipolicy's imports kipolicy (and the C
    # engine) only when it collects a case file.
    code = (
        "import sys, kipolicy.pytest_plugin; "
        "print(sorted(m for m in sys.modules if m.startswith(('durable', 'kipolicy._rules', 'kipolicy._assess'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


#: The longest a function of the package may be, in lines (docstring included): a function
#: that does one thing can be read at once.
MAX_FUNCTION_LINES = 100


def test_no_function_is_longer_than_a_page() -> None:
    long = []
    for name, path in _modules(PACKAGE).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {lines} lines")
    assert long == []
