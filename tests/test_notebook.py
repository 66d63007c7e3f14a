"""The example notebook runs, and its committed outputs are what it prints today."""

from __future__ import annotations

from .conftest import ROOT, load_refresh




def test_the_edge_case_notebook_runs_and_shows_current_outputs() -> None:
    import nbformat

    refresh = load_refresh()
    for name in refresh.NOTEBOOKS:
        path = ROOT / name
        executed = refresh.execute_notebook(path)
        errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert errors == []
        printed = refresh.stream_outputs(executed)
        assert "definition.management-not-engaged [violation, definition]" in "".join(printed)
        html = [o["data"]["text/html"] for c in executed.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
        assert len(html) == 3 and all('class="kipolicy"' in h for h in html)
        committed = nbformat.read(path, as_version=4)
        assert refresh.stream_outputs(committed) == printed, f"{name} is stale: run `python docs/refresh.py`"
