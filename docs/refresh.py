"""Refresh the generated parts of the docs: the rule reference, the traceability table, the
output shown after each Python snippet of the pages that show output (a ```python block
followed by a ```text block), and the outputs of the example notebooks.

Run from the project's root: ``python docs/refresh.py``. The test suite fails when a page is
stale, naming this command.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Pages whose ```text blocks show what the ```python block before them prints, and whose
#: ```console blocks show a command (``$ kipolicy ...``) and what it prints.
PAGES_WITH_OUTPUT = ["docs/worked-example.md", "docs/cli.md", "docs/getting-started.md", "docs/embedding.md"]
_PAIR = re.compile(r"```python\n(?P<code>.*?)```\n\n```text\n(?P<out>.*?)```", re.S)
_CONSOLE = re.compile(r"```console\n\$ (?P<command>[^\n]*)\n(?P<out>.*?)```", re.S)


def run_command(command: str) -> str:
    """What ``kipolicy ...`` prints on stdout, run in-process from the project's root."""
    import shlex

    from kipolicy._cli import main

    words = shlex.split(command)
    assert words[0] == "kipolicy", command
    printed, errors = io.StringIO(), io.StringIO()
    main(words[1:], out=printed, err=errors)
    return printed.getvalue()


def run_snippets(text: str) -> list[tuple[str, str]]:
    """Each (code, printed output) pair of a page, run in one namespace, in order."""
    namespace: dict = {}
    pairs = []
    for match in _PAIR.finditer(text):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(match["code"], "<docs>", "exec"), namespace)  # noqa: S102
        pairs.append((match["code"], printed.getvalue()))
    return pairs


def refreshed(text: str) -> str:
    """The page with every output block replaced by what its code or command prints now."""
    outputs = iter(out for _, out in run_snippets(text))
    text = _PAIR.sub(lambda m: f"```python\n{m['code']}```\n\n```text\n{next(outputs).rstrip()}\n```", text)
    return _CONSOLE.sub(lambda m: f"```console\n$ {m['command']}\n{run_command(m['command']).rstrip()}\n```", text)


#: Notebooks kept executed, with their outputs, so that they read well without a kernel.
NOTEBOOKS = ["examples/edge-cases.ipynb"]


def execute_notebook(path: Path):
    """The notebook at ``path`` executed in its own directory (outputs in place)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in notebook.cells:
        cell.get("metadata", {}).pop("execution", None)
    return notebook


def stream_outputs(notebook) -> list[str]:
    """What the notebook's code cells print, cell by cell."""
    return [
        "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]


def traceability_page() -> str:
    """docs/traceability.md: every unit, its rules, and the project's cases."""
    from kipolicy import traceability

    return traceability([ROOT / "tests" / "cases"], root=ROOT).to_markdown()


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from kipolicy._reference import rule_reference

    (ROOT / "docs" / "rules.md").write_text(rule_reference(), encoding="utf-8")
    (ROOT / "docs" / "traceability.md").write_text(traceability_page(), encoding="utf-8")
    from kipolicy._register import interpretation_register

    (ROOT / "docs" / "interpretations.md").write_text(interpretation_register(), encoding="utf-8")
    for page in PAGES_WITH_OUTPUT:
        path = ROOT / page
        path.write_text(refreshed(path.read_text(encoding="utf-8")), encoding="utf-8")
    import nbformat

    for name in NOTEBOOKS:
        nbformat.write(execute_notebook(ROOT / name), ROOT / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
