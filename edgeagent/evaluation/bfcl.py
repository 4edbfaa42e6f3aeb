"""Berkeley Function Calling Leaderboard (BFCL) data: loading, tools and AST scoring.

A BFCL file (JSON lines) holds questions with the functions offered for each; the accepted
answers live in ``possible_answer/<same name>`` beside it (irrelevance categories have none:
the right answer is no call). :func:`ast_match` scores calls like the leaderboard's AST
checker: the function name matches; every required parameter is present; no parameter outside
the schema (or the answer); each value has the right type and is one of the accepted values
(``""`` among them: the parameter may be left out); strings are compared after lower-casing and
removing spaces and ``,./-_*^``; lists element-wise, dicts key by key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from edgeagent.datamodel import Observation, ToolCall
from edgeagent.errors import ConfigError
from edgeagent.jsonschema import model_from_json_schema
from edgeagent.tool import Risk, Tool
from edgeagent.toolset import Toolset

IRRELEVANCE_CATEGORIES = frozenset({"irrelevance", "live_irrelevance"})
_FILE_NAME = re.compile(r"^BFCL_v\d+_(?P<category>.+)$")

_M = TypeVar("_M", bound=BaseModel)

# a ground-truth entry: {function name: {parameter: [accepted values]}}
GroundTruth = list[dict[str, dict[str, list[Any]]]]


# --- the files ------------------------------------------------------------------------------


class _Message(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str
    content: str


class _Parameters(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = "dict"
    properties: dict[str, dict[str, Any]] = Field(default_factory=dict)
    required: list[str] = Field(default_factory=list)


class _Function(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str = Field(min_length=1)
    description: str = ""
    parameters: _Parameters = Field(default_factory=_Parameters)


class _QuestionLine(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    question: list[list[_Message]]
    function: list[_Function] = Field(min_length=1)


class _AnswerLine(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    ground_truth: list[dict[str, dict[str, list[Any]]]]

    @field_validator("ground_truth")
    @classmethod
    def _one_function_each(cls, value: GroundTruth) -> GroundTruth:
        if any(len(entry) != 1 for entry in value):
            raise ValueError("each ground-truth entry names exactly one function")
        return value


class BfclCase(BaseModel):
    """One BFCL question: the functions offered and the accepted calls."""

    model_config = ConfigDict(frozen=True)

    id: str
    category: str  # "simple_python", "multiple", "irrelevance", ...
    utterance: str  # the user turns' content, one turn a line
    functions: list[dict[str, Any]]  # the raw function specs
    ground_truth: GroundTruth = Field(default_factory=list)  # [] = no call is right

    @property
    def expects_call(self) -> bool:
        return bool(self.ground_truth)

    def observation(self) -> Observation:
        return Observation(id=self.id, utterance=self.utterance)


def category_of(path: str | Path) -> str:
    """The BFCL category a file holds, from its name (``BFCL_v4_multiple.json`` → ``multiple``)."""
    stem = Path(path).stem
    m = _FILE_NAME.match(stem)
    return m.group("category") if m else stem


def is_bfcl_file(path: str | Path) -> bool:
    """Whether ``path`` is a BFCL question file: its first line has "question" and "function"."""
    try:
        with Path(path).open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    first = json.loads(line)
                    return isinstance(first, dict) and "question" in first and "function" in first
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return False


def load_bfcl(path: str | Path) -> list[BfclCase]:
    """Read a BFCL question file and its answers (``possible_answer/<name>`` beside it).

    A malformed line, a missing answer file (for a category that has answers) or a question
    without an answer is a :class:`ConfigError` naming the file.
    """
    path = Path(path)
    category = category_of(path)
    questions = _read_lines(path, _QuestionLine)
    answer_path = path.parent / "possible_answer" / path.name
    answers: dict[str, GroundTruth] = {}
    if answer_path.is_file():
        for raw, a in _read_lines(answer_path, _AnswerLine):
            answers[a.id] = raw["ground_truth"]
    elif category not in IRRELEVANCE_CATEGORIES:
        raise ConfigError(f"{path}: no answer file {answer_path} for category {category!r}")
    cases: list[BfclCase] = []
    for raw, q in questions:
        truth = answers.get(q.id)
        if truth is None and category not in IRRELEVANCE_CATEGORIES:
            raise ConfigError(f"{answer_path}: no answer for {q.id!r}")
        utterance = "\n".join(
            m.content for turn in q.question for m in turn if m.role == "user" and m.content
        )
        if not utterance.strip():
            raise ConfigError(f"{path}: {q.id!r} has no user turn")
        cases.append(
            BfclCase(
                id=q.id,
                category=category,
                utterance=utterance,
                functions=raw["function"],
                ground_truth=truth or [],
            )
        )
    return cases


def _read_lines(path: Path, model: type[_M]) -> list[tuple[dict[str, Any], _M]]:
    """The JSON objects of a JSON-lines file, each with its check against ``model``."""
    out: list[tuple[dict[str, Any], _M]] = []
    try:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                    out.append((obj, model.model_validate(obj)))
                except (json.JSONDecodeError, ValidationError) as exc:
                    raise ConfigError(f"{path}:{n}: not a valid BFCL line: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    return out


# --- tools ----------------------------------------------------------------------------------


def toolset_for(case: BfclCase) -> Toolset:
    """The tools of a case, one per function; the same functions give the same Toolset object
    (while it is among the last :data:`TOOLSETS_KEPT` built), so a brain reuses its prompt.

    Arguments are validated strictly against the BFCL schema (no coercion, so a model's types
    are scored as written; an integer is accepted for a float). Executing a tool returns its
    arguments: there is no world behind them.
    """
    key = json.dumps(case.functions, sort_keys=True)
    toolset = _TOOLSETS.pop(key, None)
    if toolset is None:
        toolset = Toolset([function_tool(spec) for spec in case.functions])
    _TOOLSETS[key] = toolset  # most recently used last
    while len(_TOOLSETS) > TOOLSETS_KEPT:
        _TOOLSETS.pop(next(iter(_TOOLSETS)))
    return toolset


TOOLSETS_KEPT = 256
_TOOLSETS: dict[str, Toolset] = {}  # insertion order = least recently used first


def function_tool(spec: Mapping[str, Any]) -> Tool:
    """A read-only :class:`Tool` for one BFCL function spec."""
    function = _Function.model_validate(spec)
    params = function.parameters
    args_model = model_from_json_schema(
        function.name, params.properties, params.required, strict=True
    )

    def run(**kwargs: Any) -> dict[str, Any]:
        return kwargs

    return Tool(
        run,
        name=function.name,
        description=function.description or function.name,
        risk=Risk.READ_ONLY,
        args_model=args_model,
    )


# --- scoring --------------------------------------------------------------------------------

_PY_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "float": float,
    "number": float,
    "boolean": bool,
    "array": list,
    "tuple": list,
    "dict": dict,
    "object": dict,
}
_STRIP = re.compile(r"[ ,./\-_*^]")


def standardize(text: str) -> str:
    """The leaderboard's string normalisation: no spaces or ``,./-_*^``, lower case."""
    return _STRIP.sub("", text).lower().replace("'", '"')


def ast_match(
    ground_truth: GroundTruth,
    calls: Sequence[ToolCall],
    functions: Sequence[Mapping[str, Any]],
) -> bool:
    """Whether ``calls`` answer a BFCL question (an empty ``ground_truth``: no call is right)."""
    return ast_mismatch(ground_truth, calls, functions) is None


def ast_mismatch(
    ground_truth: GroundTruth,
    calls: Sequence[ToolCall],
    functions: Sequence[Mapping[str, Any]],
) -> str | None:
    """Why ``calls`` do not answer the question, or None when they do.

    With several expected calls each must be matched by a different call, in any order.
    """
    if len(calls) != len(ground_truth):
        if not ground_truth:
            return f"expected no call, got {len(calls)}"
        return f"expected {len(ground_truth)} call(s), got {len(calls)}"
    if len(calls) == 1:
        return call_mismatch(ground_truth[0], calls[0], functions)
    unused = list(calls)
    for entry in ground_truth:
        reasons: list[str] = []
        for call in unused:
            reason = call_mismatch(entry, call, functions)
            if reason is None:
                unused.remove(call)
                break
            reasons.append(reason)
        else:
            return f"no call matches {next(iter(entry), '?')}: " + "; ".join(reasons)
    return None


def call_mismatch(
    entry: Mapping[str, Mapping[str, Sequence[Any]]],
    call: ToolCall,
    functions: Sequence[Mapping[str, Any]],
) -> str | None:
    """Why one call does not match one ground-truth entry, or None when it does.

    Explicit null arguments count as left out.
    """
    ((name, answer),) = entry.items()
    if call.tool != name:
        return f"wrong function {call.tool!r}, expected {name!r}"
    spec = next((f for f in functions if f.get("name") == name), None)
    if spec is None:
        return f"function {name!r} is not among the offered functions"
    schema = spec.get("parameters", {})
    props: Mapping[str, Any] = schema.get("properties", {})
    args = {k: v for k, v in call.args.items() if v is not None}
    for param in schema.get("required", []):
        if param not in args:
            return f"missing required parameter {param!r}"
    for param, value in args.items():
        if param not in props or param not in answer:
            return f"unexpected parameter {param!r}"
        problem = _value_mismatch(param, value, props[param], list(answer[param]))
        if problem:
            return problem
    for param, accepted in answer.items():
        if param not in args and "" not in accepted:
            return f"missing parameter {param!r} (it has no default)"
    return None


def _value_mismatch(
    param: str, value: Any, schema: Mapping[str, Any], accepted: list[Any]
) -> str | None:
    kind = str(schema.get("type", "any"))
    options = [a for a in accepted if not _is_blank(a)]
    if kind == "any" or kind not in _PY_TYPES:
        return None if _one_of(value, options) else _bad_value(param, value, options)
    expected = _PY_TYPES[kind]
    if expected is float and type(value) is int:
        value = float(value)  # Python's int → float promotion, as the leaderboard allows
    answer_type = type(options[0]) if options else None
    # an answer of another type than the schema's is a variable name: compare it as written
    variable = answer_type is not None and answer_type is not expected
    if type(value) is expected:
        if isinstance(value, list) and not _items_typed(value, schema.get("items"), options):
            return f"wrong item type in {param!r}: {value!r}"
    elif answer_type is not None and type(value) is answer_type:
        variable = True
    else:
        return f"wrong type for {param!r}: expected {kind}, got {type(value).__name__} {value!r}"
    if variable:
        ok = any(_same(value, a) for a in options)
    elif expected is dict:
        ok = any(_dict_ok(value, a) for a in options)
    elif expected is list and _item_kind(schema) in ("dict", "object"):
        ok = any(_dict_list_ok(value, a) for a in options)
    else:
        ok = _one_of(value, options)
    return None if ok else _bad_value(param, value, options)


def _bad_value(param: str, value: Any, options: list[Any]) -> str:
    return f"wrong value for {param!r}: {value!r}, expected one of {options!r}"


def _is_blank(value: Any) -> bool:
    return isinstance(value, str) and value == ""


def _item_kind(schema: Mapping[str, Any]) -> str | None:
    items = schema.get("items")
    return str(items.get("type")) if isinstance(items, Mapping) else None


def _items_typed(value: list[Any], items: Any, options: list[Any]) -> bool:
    """Every item has the schema's item type (or the type of the answer's first item)."""
    kind = items.get("type") if isinstance(items, Mapping) else None
    expected = _PY_TYPES.get(str(kind))
    if expected is None:
        return True
    lists = [a for a in options if isinstance(a, list)]
    if not lists:
        return True
    for answer in lists:
        alt = next((type(a) for a in answer if not _is_blank(a)), None)
        if all(type(v) is expected or (alt is not None and type(v) is alt) for v in value):
            return True
    return False


def _canon(value: Any) -> Any:
    """``value`` with every string in it standardised."""
    if isinstance(value, str):
        return standardize(value)
    if isinstance(value, list | tuple):
        return [_canon(v) for v in value]
    if isinstance(value, dict):
        return {k: _canon(v) for k, v in value.items()}
    return value


def _same(a: Any, b: Any) -> bool:
    """Equality that keeps booleans apart from numbers (``True != 1``), recursively."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | dict) or isinstance(b, list | dict):
        return False
    return bool(a == b)


def _one_of(value: Any, options: list[Any]) -> bool:
    """``value`` equals one of ``options`` after string normalisation."""
    canon = _canon(value)
    return any(_same(canon, _canon(a)) for a in options)


def _dict_ok(value: Mapping[str, Any], answer: Any) -> bool:
    """A dict value against one accepted dict of ``{key: [accepted values]}``."""
    if not isinstance(answer, dict):
        return _same(_canon(value), _canon(answer))
    for key, v in value.items():
        accepted = answer.get(key)
        if not isinstance(accepted, list):
            return False
        if not _one_of(v, [a for a in accepted if not _is_blank(a)]):
            return False
    return all(key in value or "" in accepted for key, accepted in answer.items())


def _dict_list_ok(value: list[Any], answer: Any) -> bool:
    """A list of dicts against one accepted list of dicts, in order."""
    if not isinstance(answer, list) or len(answer) != len(value):
        return False
    return all(isinstance(v, dict) and _dict_ok(v, a) for v, a in zip(value, answer, strict=True))


def expected_calls(case: BfclCase) -> list[ToolCall]:
    """One right answer: each parameter's first accepted value (left out where it may be)."""
    calls: list[ToolCall] = []
    for entry in case.ground_truth:
        for name, answer in entry.items():
            args: dict[str, Any] = {}
            for param, accepted in answer.items():
                options = [a for a in accepted if not _is_blank(a)]
                if options:
                    args[param] = _first_of(options[0])
            calls.append(ToolCall(tool=name, args=args))
    return calls


def _first_of(value: Any) -> Any:
    """A concrete value from an accepted one (a dict answer holds lists of accepted values)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, accepted in value.items():
            options = (
                [a for a in accepted if not _is_blank(a)] if isinstance(accepted, list) else []
            )
            if options:
                out[key] = _first_of(options[0])
        return out
    if isinstance(value, list):
        return [_first_of(v) if isinstance(v, dict) else v for v in value]
    return value
