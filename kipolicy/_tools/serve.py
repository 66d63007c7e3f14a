"""``kipolicy serve``: kipolicy as a web service, and a workbench page for legal staff.

An ASGI application (Starlette, served by uvicorn; ``pip install 'kipolicy[serve]'``) with a
versioned JSON API under ``/v1`` that answers exactly what the command line prints with
``--format json``, an OpenAPI document built from the schemas the library generates, and a
workbench page at ``/`` (one HTML file in the package: no build step, no asset from outside).

The rule engine holds the interpreter's lock while it runs, so one process assesses one
partnership at a time: ``kipolicy serve --workers N`` runs N processes (default: the cores).
Requests are bounded in size and time; the service binds 127.0.0.1 unless told otherwise,
never reads a file-system path from a request, and sends no CORS headers unless origins are
configured. An optional decision log records one JSON line per assessment.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import functools
import json
import logging
import os
import socket
import threading
import tomllib
import uuid
from collections.abc import Awaitable, Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from . import contract as contract
from .._assess.assess import assess, check_engine, coerce_date
from .._document.read import structure
from .._base.errors import EngineError, InputError, KipolicyError, Problem, RuleFileError, UnknownIdError
from .._views.explain import why_not
from .._policy.interpretations import INTERPRETATIONS, Interpretations
from .._base.limits import MAX_DOCUMENT_BYTES
from .._policy.text import policy
from .._policy.words import LANGS, kind_label, phrases, status_label
from .._rules.ast import KINDS
from .._facts.duties import STATUSES
from .._assess.portfolio import assess_portfolio
from .register import REGISTER
from .._rules.book import RuleBook, default_rules, load_rules
from .schema import schema

__all__ = ["SETTINGS_ENV", "ServeSettings", "create_app"]

log = logging.getLogger("kipolicy.serve")

#: Worker processes read their settings from this environment variable (JSON).
SETTINGS_ENV = "KIPOLICY_SERVE_SETTINGS"
API_VERSION = "v1"
MAX_PORTFOLIO = 1_000


@attrs.frozen
class ServeSettings:
    """How the service runs.

    Attributes:
        rules: A directory of rule files (``--rules``); None: the bundled rules.
        decision_log: A file to append one JSON line per assessment to; None: no log.
        log_documents: Whether the decision log holds the documents themselves.
        cors_origins: Origins allowed to call the API from a browser; empty: no CORS headers.
        max_body: The largest request body accepted, in bytes.
        timeout: Seconds a portfolio may take before the request is answered 503 (a question
            about one document is bounded by the document's limits instead).
        engine: The rule engine (``--engine``): ``durable`` or ``python``.
    """

    rules: str | None = None
    decision_log: str | None = None
    log_documents: bool = False
    cors_origins: tuple[str, ...] = ()
    max_body: int = MAX_DOCUMENT_BYTES
    timeout: float = 30.0
    engine: str = "durable"

    def to_env(self) -> str:
        return json.dumps(attrs.asdict(self))

    @classmethod
    def from_env(cls) -> ServeSettings:
        raw = os.environ.get(SETTINGS_ENV)
        if not raw:
            return cls()
        data = json.loads(raw)
        data["cors_origins"] = tuple(data.get("cors_origins", ()))
        return cls(**data)


# -- errors -----------------------------------------------------------------------------------


class _HTTPProblem(Exception):
    """An error answered with an HTTP status and a JSON body."""

    def __init__(self, status: int, error: str, problems: list[Problem] | None = None, **extra: Any) -> None:
        super().__init__(error)
        self.status = status
        self.body: dict[str, Any] = {"error": error, **extra}
        if problems is not None:
            self.body["problems"] = [{"file": p.file, "path": p.path, "message": p.message} for p in problems]


def _need(body: Mapping[str, Any], key: str, kind: type, what: str) -> Any:
    value = body.get(key)
    if not isinstance(value, kind):
        raise InputError([Problem("<request>", key, f"expected {what}")])
    return value


# -- the questions ------------------------------------------------------------------------------


class _Service:
    """What every request needs: the rule book, the settings, the decision log."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        check_engine(settings.engine)
        self.rules: RuleBook = load_rules(settings.rules) if settings.rules else default_rules()
        self._log_lock = threading.Lock()

    # -- request parts --
    def document(self, body: Mapping[str, Any], key: str = "document", where: str = "<document>") -> Any:
        """The partnership of a request: a JSON object, or TOML/JSON text (``document_text``)."""
        if key in body:
            value = body[key]
            if not isinstance(value, Mapping):
                raise InputError([Problem("<request>", key, "expected a partnership document (a JSON object)")])
            return structure(value, where)
        text = body.get(f"{key}_text")
        if isinstance(text, str):
            form = body.get("format", "toml")
            try:
                data = tomllib.loads(text) if form == "toml" else json.loads(text)
            except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
                raise InputError([Problem(where, "", f"is not valid {str(form).upper()}: {exc}")]) from None
            if not isinstance(data, Mapping):
                raise InputError([Problem(where, "", "expected a table at the top")])
            return structure(data, where)
        raise InputError([Problem("<request>", key, f"expected '{key}' (a JSON object) or '{key}_text' (TOML or JSON text)")])

    @staticmethod
    def common(body: Mapping[str, Any]) -> tuple[dt.date, Interpretations, str]:
        if "as_of" not in body:
            raise InputError([Problem("<request>", "as_of", "expected the date to assess as of (YYYY-MM-DD)")])
        as_of = coerce_date(body["as_of"], "as_of")
        interpretations = Interpretations.coerce(body.get("interpretations") or {})
        lang = body.get("lang", "en")
        if lang not in LANGS:
            raise InputError([Problem("<request>", "lang", f"expected 'sv' or 'en', got {lang!r}")])
        return as_of, interpretations, lang

    @staticmethod
    def quote(body: Mapping[str, Any]) -> bool:
        """Whether the answer may quote the documents (``quote``, default true)."""
        value = body.get("quote", True)
        if not isinstance(value, bool):
            raise InputError([Problem("<request>", "quote", f"expected true or false, got {value!r}")])
        return value

    # -- answers --
    def assess(self, body: Mapping[str, Any]) -> dict[str, Any]:
        as_of, interpretations, _ = self.common(body)
        partnership = self.document(body)
        report = assess(partnership, as_of=as_of, interpretations=interpretations, rules=self.rules, engine=self.settings.engine,
                        quote=self.quote(body))
        self.record(report, partnership)
        return contract.assessment([report], as_of, interpretations)

    def portfolio(self, body: Mapping[str, Any]) -> dict[str, Any]:
        as_of, interpretations, _ = self.common(body)
        documents = _need(body, "documents", list, "a list of partnership documents (JSON objects)")
        if len(documents) > MAX_PORTFOLIO:
            raise InputError([Problem("<request>", "documents", f"expected at most {MAX_PORTFOLIO:,} documents")])
        partnerships: list[Any] = []
        problems: list[Problem] = []
        for index, document in enumerate(documents):
            try:
                partnerships.append(self.document({"document": document}, where=f"<documents[{index}]>"))
            except InputError as exc:
                problems += exc.problems
        if problems:
            raise InputError(problems)
        result = assess_portfolio(partnerships, as_of=as_of, interpretations=interpretations, rules=self.rules,
                                  engine=self.settings.engine, quote=self.quote(body))
        for report, partnership in zip(result.reports, partnerships, strict=True):
            self.record(report, partnership)
        return contract.portfolio(result, as_of, interpretations)

    def _report(self, body: Mapping[str, Any]) -> tuple[Any, Interpretations, str]:
        as_of, interpretations, lang = self.common(body)
        report = assess(self.document(body), as_of=as_of, interpretations=interpretations, rules=self.rules,
                        engine=self.settings.engine, quote=self.quote(body))
        return report, interpretations, lang

    def why_not(self, body: Mapping[str, Any]) -> dict[str, Any]:
        rule_id = _need(body, "rule_id", str, "the id of a rule")
        report, interpretations, _ = self._report(body)
        self.rules.rule(rule_id)
        return contract.why_not_answer(report, why_not(report, rule_id), interpretations)

    def explain(self, body: Mapping[str, Any]) -> dict[str, Any]:
        report, interpretations, lang = self._report(body)
        rule_id = body.get("rule_id")
        if rule_id is not None:
            if not isinstance(rule_id, str):
                raise InputError([Problem("<request>", "rule_id", "expected the id of a rule, or nothing")])
            self.rules.rule(rule_id)
            findings = list(report.by_rule(rule_id))
        else:
            findings = list(report.findings)
        text = "\n".join(f.explain(lang) for f in findings)
        return contract.explanation(report, findings, text, interpretations)

    def diff(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """The difference between two assessments (``before`` and ``after``, each an assess request)."""
        before = _need(body, "before", Mapping, "an assess request (document, as_of, interpretations)")
        after = _need(body, "after", Mapping, "an assess request (document, as_of, interpretations)")
        first, _, _ = self._report(before)
        second, interpretations, lang = self._report(after)
        difference = first.diff(second)
        return {**contract.envelope("difference", second.as_of, interpretations), "diff": difference.to_dict(),
                "text": difference.to_text(lang)}

    # -- the decision log --
    def record(self, report: Any, partnership: Any) -> None:
        if self.settings.decision_log is None:
            return
        from .._document.read import to_document

        entry: dict[str, Any] = {
            "logged_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "partnership_id": report.partnership_id,
            "provenance": report.provenance.to_dict() if report.provenance is not None else None,
            "findings": [{"rule_id": f.rule_id, "kind": f.kind, "subject": f.subject.path} for f in report.findings],
        }
        if self.settings.log_documents:
            entry["document"] = json.loads(json.dumps(to_document(partnership), default=str))
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        with self._log_lock:
            # O_APPEND: each line lands whole at the end, also with several worker processes.
            fd = os.open(self.settings.decision_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)

    # -- what does not change --
    def rules_list(self) -> list[dict[str, Any]]:
        return [
            {"id": r.id, "section": r.section, "kind": r.kind, "modality": r.modality, "cites": list(r.all_cites),
             "step": r.step, "retroactive": r.retroactive, "halts": r.halts, "title": dict(r.title)}
            for r in self.rules
        ]

    @staticmethod
    def policy_text() -> dict[str, Any]:
        pol = policy()
        doc = pol.document
        return {
            "dnr": doc.dnr, "in_force_from": doc.in_force_from.isoformat(),
            "title": {"sv": doc.title_sv, "en": doc.title_en},
            "sections": [
                {"id": s.id, "heading": {"sv": s.heading_sv, "en": s.heading_en},
                 "units": [{"id": u.id, "modality": u.modality, "text": {"sv": u.text_sv, "en": u.text_en},
                            "reason": u.reason} for u in s.units]}
                for s in pol.sections
            ],
        }

    @staticmethod
    def interpretations() -> list[dict[str, Any]]:
        out = []
        for name, interpretation in INTERPRETATIONS.items():
            entry = REGISTER[name]
            default = interpretation.default
            out.append({
                "name": name, "kind": interpretation.kind, "question": interpretation.question,
                "default": list(default) if isinstance(default, tuple) else default,
                "choices": list(interpretation.choices) if interpretation.choices else None,
                "maximum": interpretation.maximum, "minimum": interpretation.minimum, "cites": list(interpretation.cites),
                "default_reason": entry.default_reason, "alternatives": dict(entry.alternatives),
            })
        return out


def bundled_examples() -> dict[str, str]:
    """The bundled example documents, by file name, as TOML text."""
    packaged = Path(str(resources.files("kipolicy"))) / "examples"
    root = packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "examples"
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.toml"))}


#: Where the workbench page takes its words (``data/workbench.html``).
_WORDS_MARK = b"/*WORDS*/null"


def workbench_words() -> dict[str, Any]:
    """Every word the workbench page shows, by language, from the message catalogue: its own
    (area ``workbench``), and the report's, the explanations', the kinds' and the statuses'."""
    out: dict[str, Any] = {}
    for lang in LANGS:
        report = phrases("report", lang)
        out[lang] = {
            "page": phrases("workbench", lang),
            "report": {key: text for key, text in report.items() if isinstance(text, str)},
            "strategic": {json.dumps(key): text for key, text in report["strategic"].items()},
            "explain": {key: text for key, text in phrases("explain", lang).items() if isinstance(text, str)},
            "kinds": {kind: kind_label(kind, lang) for kind in KINDS},
            "kinds_plural": {kind: kind_label(kind, lang, plural=True) for kind in KINDS},
            "statuses": {status: status_label(status, lang) for status in STATUSES},
        }
    return out


@functools.cache
def workbench_page() -> bytes:
    """The workbench page, with its words from the message catalogue."""
    page = resources.files("kipolicy").joinpath("data/workbench.html").read_bytes()
    # Safe inside <script>: no "<" in the JSON text.
    words = json.dumps(workbench_words(), ensure_ascii=False).replace("<", "\\u003c")
    return page.replace(_WORDS_MARK, words.encode("utf-8"))


# -- the OpenAPI document -----------------------------------------------------------------------


def _strip(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k not in ("$schema", "$id")}


def _lift(schema_: dict[str, Any], name: str, components: dict[str, Any]) -> dict[str, Any]:
    """A library schema as an OpenAPI component: its ``$defs`` become components too."""
    text = json.dumps(_strip(schema_)).replace('"#/$defs/', f'"#/components/schemas/{name}.')
    lifted = json.loads(text)
    for key, value in lifted.pop("$defs", {}).items():
        components[f"{name}.{key}"] = value
    components[name] = lifted
    return {"$ref": f"#/components/schemas/{name}"}


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the service, with the document and report schemas the
    library generates (the same as ``kipolicy schema document`` and ``kipolicy schema report``)."""
    from .._base.version import version

    components: dict[str, Any] = {}
    document = _lift(schema("document"), "Document", components)
    report = _lift(schema("report"), "Answer", components)
    date = {"type": "string", "format": "date", "example": "2026-01-01"}
    interpretations = {"type": "object", "description": "Interpretations by name (GET /v1/interpretations).",
                       "propertyNames": {"enum": list(INTERPRETATIONS)}}
    quote = {"type": "boolean", "default": True,
             "description": "false: the answer withholds the documents' own words and figures (each stands as its field path)."}
    request = {
        "type": "object",
        "properties": {
            "document": document,
            "document_text": {"type": "string", "description": "The document as TOML or JSON text, instead of 'document'."},
            "format": {"enum": ["toml", "json"], "description": "The form of document_text (default toml)."},
            "as_of": date, "interpretations": interpretations, "lang": {"enum": list(LANGS)},
            "quote": quote,
        },
        "required": ["as_of"],
    }
    components["AssessRequest"] = request
    components["PortfolioRequest"] = {
        "type": "object",
        "properties": {"documents": {"type": "array", "items": document, "maxItems": MAX_PORTFOLIO},
                       "as_of": date, "interpretations": interpretations, "lang": {"enum": list(LANGS)},
                       "quote": quote},
        "required": ["documents", "as_of"],
    }
    components["RuleRequest"] = {"allOf": [{"$ref": "#/components/schemas/AssessRequest"},
                                           {"type": "object", "properties": {"rule_id": {"type": "string"}}}]}
    components["DiffRequest"] = {"type": "object", "required": ["before", "after"], "properties": {
        "before": {"$ref": "#/components/schemas/AssessRequest"}, "after": {"$ref": "#/components/schemas/AssessRequest"}}}
    components["Problems"] = {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "string"}, "id": {"type": "string"},
                       "problems": {"type": "array", "items": {"type": "object", "required": ["file", "path", "message"],
                                                               "properties": {"file": {"type": "string"}, "path": {"type": "string"},
                                                                              "message": {"type": "string"}}}}},
    }
    errors = {
        "400": {"description": "The body is not JSON.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}}},
        "413": {"description": "The body is too large.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}}},
        "422": {"description": "The document, the date or an interpretation is not valid: every problem with its field path.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}}},
        "500": {"description": "The rule engine failed; the answer has an id to find it in the log.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}}},
        "503": {"description": "The portfolio took longer than --timeout.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}}},
    }

    def post(summary: str, body: str, answer: dict[str, Any]) -> dict[str, Any]:
        return {"post": {"summary": summary, "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{body}"}}}},
            "responses": {"200": {"description": "The answer, as the command line prints it with --format json.",
                                  "content": {"application/json": {"schema": answer}}}, **errors}}}

    def get(summary: str) -> dict[str, Any]:
        return {"get": {"summary": summary, "responses": {"200": {"description": summary, "content": {"application/json": {"schema": {}}}}}}}

    any_answer: dict[str, Any] = {"type": "object", "required": ["schema_version", "kind"]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "kipolicy", "version": version(),
                 "description": "Karolinska Institutet's policy for strategic partnerships (Dnr 1-1005/2022) as a service."},
        "paths": {
            "/v1/assess": post("Assess one partnership (kipolicy assess --format json)", "AssessRequest", report),
            "/v1/portfolio": post("Assess a portfolio (kipolicy portfolio --format json)", "PortfolioRequest", report),
            "/v1/why-not": post("Why a rule did not fire (kipolicy why-not --format json)", "RuleRequest", any_answer),
            "/v1/explain": post("Why the findings were concluded (kipolicy explain --format json)", "RuleRequest", any_answer),
            "/v1/diff": post("What changes between two assessments", "DiffRequest", any_answer),
            "/v1/rules": get("The rules (kipolicy rules --format json)"),
            "/v1/policy": get("The policy text with its section and unit ids"),
            "/v1/interpretations": get("The interpretations: question, default and why, alternatives"),
            "/v1/schema": get("The JSON Schema of a partnership document"),
            "/v1/schema/{name}": {"get": {"summary": "A JSON Schema: document, cases, rules or report",
                                          "parameters": [{"name": "name", "in": "path", "required": True,
                                                          "schema": {"enum": ["document", "cases", "rules", "report"]}}],
                                          "responses": {"200": {"description": "The schema"}, "404": {"description": "No such schema"}}}},
            "/v1/examples": get("The bundled example documents, as TOML text"),
        },
        "components": {"schemas": components},
    }


# -- the application ----------------------------------------------------------------------------


class _Endpoints:
    """The service's endpoints over one :class:`_Service`: questions about a JSON body, fixed
    answers made once, the schemas and the workbench page."""

    def __init__(self, settings: ServeSettings, service: _Service) -> None:
        from starlette.responses import JSONResponse

        class _JSON(JSONResponse):
            def render(self, content: Any) -> bytes:
                return contract.dump_compact(content).encode("utf-8")

        self.settings = settings
        self.service = service
        self.json = _JSON
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="kipolicy-assess")

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Any) -> Any:  # noqa: ARG002 - Starlette's calling convention
        try:
            yield
        finally:
            self.executor.shutdown(wait=False, cancel_futures=True)

    async def read_json(self, request: Any) -> Any:
        """The request's body as a JSON object, read no further than ``max_body``."""
        limit = self.settings.max_body
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            raise _HTTPProblem(413, f"the body is larger than {limit:,} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _HTTPProblem(413, f"the body is larger than {limit:,} bytes")
            chunks.append(chunk)
        try:
            body = json.loads(b"".join(chunks).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise _HTTPProblem(400, f"the body is not JSON: {exc}") from None
        if not isinstance(body, dict):
            raise _HTTPProblem(400, "the body is not a JSON object")
        return body

    def answering(
        self, question: Callable[[Mapping[str, Any]], dict[str, Any]], *, in_loop: bool = True,
    ) -> Callable[[Any], Awaitable[Any]]:
        """An endpoint that answers ``question`` about the request's JSON body.

        A question about one document is answered in the event loop: the engine runs one
        assessment at a time in a process anyway, and a hand-over to another thread costs the
        interpreter's lock more than the request's own parsing (measured: 1.9 against 2.8 ms of
        CPU a request); its time is bounded by the document's limits (about 0.6 s for the largest
        document they allow). A portfolio (up to 1,000 documents) runs in the process's one
        assessing thread, under ``timeout``: at the time-out the client is answered at once, a
        request still queued is dropped, one already running finishes (an engine call cannot
        be stopped).
        """
        import anyio

        timeout = self.settings.timeout

        async def endpoint(request: Any) -> Any:
            try:
                body = await self.read_json(request)
                if in_loop:
                    answer = question(body)
                else:
                    with anyio.fail_after(timeout):
                        answer = await asyncio.get_running_loop().run_in_executor(self.executor, question, body)
                return self.json(answer)
            except _HTTPProblem as exc:
                return self.json(exc.body, status_code=exc.status)
            except (InputError, UnknownIdError) as exc:
                problems = exc.problems if isinstance(exc, InputError) else [Problem("<request>", "rule_id", str(exc))]
                return self.json({"error": "invalid input", "problems": [
                    {"file": p.file, "path": p.path, "message": p.message} for p in problems]}, status_code=422)
            except TimeoutError:
                return self.json({"error": f"the assessment took longer than {timeout:g} s"}, status_code=503)
            except (EngineError, RuleFileError, KipolicyError, Exception):
                incident = uuid.uuid4().hex[:12]
                log.exception("request %s to %s failed", incident, request.url.path)
                return self.json({"error": "internal error", "id": incident}, status_code=500)

        return endpoint

    @staticmethod
    def fixed(make: Callable[[], Any]) -> Callable[[Any], Awaitable[Any]]:
        """An endpoint whose answer is made once, at the first request."""
        from starlette.responses import Response

        cached: list[bytes] = []

        async def endpoint(request: Any) -> Any:  # noqa: ARG001
            if not cached:
                cached.append(contract.dump_compact(make()).encode("utf-8"))
            return Response(cached[0], media_type="application/json")

        return endpoint

    async def schema_by_name(self, request: Any) -> Any:
        name = request.path_params["name"]
        try:
            return self.json(schema(name))
        except UnknownIdError as exc:
            return self.json({"error": str(exc)}, status_code=404)

    @staticmethod
    async def page(request: Any) -> Any:  # noqa: ARG004
        from starlette.responses import Response

        return Response(workbench_page(), media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                 "script-src 'self' 'unsafe-inline'; img-src 'self' data:"})


def create_app(settings: ServeSettings | None = None) -> Any:
    """The ASGI application (Starlette). Without ``settings``, read from ``KIPOLICY_SERVE_SETTINGS``.

    Raises:
        ImportError: Starlette is not installed (``pip install 'kipolicy[serve]'``).
    """
    try:
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware
        from starlette.routing import Route
    except ImportError as exc:  # pragma: no cover - the serve extra is installed in tests
        raise ImportError("kipolicy serve needs the serve extra: pip install 'kipolicy[serve]'") from exc

    settings = settings or ServeSettings.from_env()
    service = _Service(settings)
    endpoints = _Endpoints(settings, service)
    answering, fixed = endpoints.answering, endpoints.fixed
    routes = [
        Route("/", endpoints.page),
        Route("/openapi.json", fixed(openapi)),
        Route("/v1/assess", answering(service.assess), methods=["POST"]),
        Route("/v1/portfolio", answering(service.portfolio, in_loop=False), methods=["POST"]),
        Route("/v1/why-not", answering(service.why_not), methods=["POST"]),
        Route("/v1/explain", answering(service.explain), methods=["POST"]),
        Route("/v1/diff", answering(service.diff), methods=["POST"]),
        Route("/v1/rules", fixed(service.rules_list)),
        Route("/v1/policy", fixed(service.policy_text)),
        Route("/v1/interpretations", fixed(service.interpretations)),
        Route("/v1/schema", fixed(lambda: schema("document"))),
        Route("/v1/schema/{name}", endpoints.schema_by_name),
        Route("/v1/examples", fixed(bundled_examples)),
    ]
    middleware = []
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST"], allow_headers=["content-type"]))
    return Starlette(routes=routes, middleware=middleware, lifespan=endpoints.lifespan)


def app_from_env() -> Any:
    """The application for uvicorn's worker processes (settings from the environment)."""
    return create_app(ServeSettings.from_env())


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int | None = None,
          settings: ServeSettings | None = None) -> None:
    """Run the service with uvicorn until interrupted."""
    try:
        import uvicorn
    except ImportError as exc:
        raise ImportError("kipolicy serve needs the serve extra: pip install 'kipolicy[serve]'") from exc
    settings = settings or ServeSettings()
    create_app(settings)  # fail here, in one line, on a bad rule directory or a missing extra
    os.environ[SETTINGS_ENV] = settings.to_env()
    count = workers if workers is not None else (os.cpu_count() or 1)
    config = uvicorn.Config("kipolicy._tools.serve:app_from_env", factory=True, host=host, port=port, workers=count,
                            log_level="info", access_log=False, timeout_keep_alive=5, limit_concurrency=1024)
    if count == 1:
        uvicorn.Server(config).run()
        return
    from uvicorn.supervisors import Multiprocess

    sock = config.bind_socket()
    # uvicorn creates the shared socket without naming TCP as its protocol, so asyncio does not
    # switch Nagle's algorithm off on the connections it accepts, and each answer waits for a
    # delayed acknowledgement (about 40 ms on loopback). Connections inherit this option from
    # the listening socket.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with contextlib.suppress(KeyboardInterrupt):  # the supervisor stops its workers first
        Multiprocess(config, sockets=[sock]).run()
