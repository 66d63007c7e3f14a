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

#: The layers, lowest first. A module imports only modules of its own layer or a lower one.
#: docs/architecture.md shows the same table; a new module gets a row in both.
LAYERS: dict[str, tuple[str, ...]] = {
    "foundation": (
        "_errors", "_limits", "_escape", "_calendar", "_identity", "_version", "_names", "_model",
        "_vocabularies", "_interpretations", "_words", "_html", "_plots",
    ),
    "policy": ("_policy",),
    "documents and facts": ("_documents", "_duties", "_provenance", "_peers", "_facts"),
    "rules and engines": ("_rules", "_evaluate", "_engine", "_pyengine"),
    "views": ("_order", "_render", "_tables", "_explain", "_diff"),
    "findings and reports": ("_report", "_quotes"),
    "assessing": ("_assess", "_portfolio", "_whatif", "_verify"),
    "tools": (
        "_cases", "_trace", "_reference", "_register", "_schema", "_template", "_contract", "_serve",
        "_cli", "pytest_plugin", "__init__",
    ),
}
LAYER_OF = {module: rank for rank, modules in enumerate(LAYERS.values()) for module in modules}


def _type_checking_only(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids |= {id(inner) for statement in node.body for inner in ast.walk(statement)}
    return ids


def _imports(package: Path = PACKAGE) -> dict[str, list[tuple[str, tuple[str, ...], int]]]:
    """Module → (imported module, names, line) for every import of a kipolicy module."""
    modules = {p.stem for p in package.glob("*.py")}
    out: dict[str, list[tuple[str, tuple[str, ...], int]]] = {}
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_only(tree)
        found = out.setdefault(path.stem, [])
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                target = (node.module or "").split(".")[0]
                names = tuple(alias.name for alias in node.names)
                if target in modules:
                    found.append((target, names, node.lineno))
                elif not target:
                    found += [(name, (), node.lineno) for name in names if name in modules]
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                name = node.module if isinstance(node, ast.ImportFrom) else None
                for target in [name] if name else [a.name for a in node.names]:  # type: ignore[union-attr]
                    if target and target.startswith("kipolicy.") and target.split(".")[1] in modules:
                        found.append((target.split(".")[1], (), node.lineno))
    return out


def test_every_module_has_a_layer() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules - set(LAYER_OF) == set(), "give the new module a layer here and in docs/architecture.md"
    assert set(LAYER_OF) - modules == set(), "a layer names a module that is gone"


def test_no_module_imports_a_higher_layer() -> None:
    against = [
        f"{module} (layer {LAYER_OF[module]}) imports {target} (layer {LAYER_OF[target]}) at line {line}"
        for module, imports in _imports().items()
        for target, _, line in imports
        if module in LAYER_OF and target in LAYER_OF and LAYER_OF[target] > LAYER_OF[module]
    ]
    assert against == []


def test_no_import_cycles_counting_imports_inside_functions() -> None:
    graph = {module: {target for target, _, _ in imports if target != module} for module, imports in _imports().items()}
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
    # does not.
    (tmp_path / "_policy.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ._report import Report\n"
        "def html():\n    from ._render import _css\n    import kipolicy._assess\n",
        encoding="utf-8",
    )
    for name in ("_report", "_render", "_assess"):
        (tmp_path / f"{name}.py").write_text("", encoding="utf-8")
    found = _imports(tmp_path)["_policy"]
    assert [(target, names) for target, names, _ in found] == [("_render", ("_css",)), ("_assess", ())]


def test_the_pytest_plugin_does_not_load_the_engine_when_pytest_starts() -> None:
    # pytest loads every installed plugin at start-up; kipolicy's imports kipolicy (and the C
    # engine) only when it collects a case file.
    code = (
        "import sys, kipolicy.pytest_plugin; "
        "print(sorted(m for m in sys.modules if m.startswith(('durable', 'kipolicy._engine', 'kipolicy._assess'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
