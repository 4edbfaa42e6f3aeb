"""Tools: typed functions the agent can call, with a schema, a risk level and validation.

A plain function becomes a tool with :func:`tool`; a :class:`Toolkit` groups tools that share
a backend (a simulated home, a robot driver). Arguments are validated with a pydantic model
built from the type hints, and the docstring's ``Args:`` section documents each parameter.

Entity-like parameters say where their values come from with :class:`Vocab` in an
``Annotated`` hint, so a constrained brain can restrict them to what the world knows::

    @tool(risk=Risk.PHYSICAL)
    def turn_on(name: Annotated[str, Vocab("name")]) -> str: ...
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, ClassVar, get_args, get_origin, overload

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from edgeagent.datamodel import ToolCall
from edgeagent.errors import ToolArgumentError, ToolDefinitionError

if typing.TYPE_CHECKING:
    from edgeagent.world import World


class Risk(str, Enum):
    """How much harm a wrong call of a tool can do; policies set thresholds per level."""

    READ_ONLY = "read_only"  # answers questions, changes nothing
    REVERSIBLE = "reversible"  # changes state that is easily undone (a light, a timer)
    PHYSICAL = "physical"  # moves things in the world (robot motion, covers, valves)
    SECURITY = "security"  # locks, alarms, garage and entrance doors

    @property
    def rank(self) -> int:
        return list(Risk).index(self)


@dataclass(frozen=True)
class Vocab:
    """Marks a string parameter whose values come from the world's vocabulary.

    ``kind`` names a list in :meth:`World.vocabulary` (``"name"``, ``"area"``, ``"object"``...).
    ``extra`` adds fixed values (``"all"``). ``from_utterance`` also allows any span of the
    observed words, for open-ended values such as a media search or a robot's object noun.
    """

    kind: str
    extra: tuple[str, ...] = ()
    from_utterance: bool = False


@dataclass(frozen=True)
class Param:
    """A flattened, brain-friendly view of one tool parameter."""

    name: str
    type: str  # "string" | "integer" | "number" | "boolean"
    required: bool
    description: str = ""
    choices: tuple[str, ...] = ()  # a closed set of literal values
    vocab: Vocab | None = None
    minimum: float | None = None
    maximum: float | None = None
    is_list: bool = False


_ARGS_HEADER = re.compile(r"^\s*(Args|Arguments|Parameters)\s*:\s*$")
_ARG_LINE = re.compile(r"^\s*(\*{0,2}\w+)\s*(\([^)]*\))?\s*:\s*(.*)$")


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """Split a Google-style docstring into (description, {arg: description})."""
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()
    description: list[str] = []
    args: dict[str, str] = {}
    i = 0
    while i < len(lines) and not _ARGS_HEADER.match(lines[i]):
        description.append(lines[i])
        i += 1
    current: str | None = None
    base_indent: int | None = None
    for line in lines[i + 1 :]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if base_indent is None:
            base_indent = indent
        if indent < (base_indent or 0) or (indent == 0 and line.rstrip().endswith(":")):
            break  # next section (Returns:, Raises:)
        m = _ARG_LINE.match(line)
        if m and indent == base_indent:
            current = m.group(1).lstrip("*")
            args[current] = m.group(3).strip()
        elif current:
            args[current] = (args[current] + " " + line.strip()).strip()
    text = " ".join(p.strip() for p in "\n".join(description).strip().split("\n\n")[0].splitlines())
    return text, args


class Tool:
    """A callable with a validated argument schema and metadata the agent and policies use."""

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        name: str | None = None,
        description: str | None = None,
        risk: Risk = Risk.REVERSIBLE,
        needs_confirmation: bool = False,
        args_model: type[BaseModel] | None = None,
        params: Sequence[Param] | None = None,
    ) -> None:
        doc_text, doc_args = parse_docstring(fn.__doc__)
        self.fn = fn
        self.name = name or fn.__name__
        self.description = description or doc_text or self.name
        self.risk = Risk(risk)
        self.needs_confirmation = needs_confirmation
        self._bound = _takes_self(fn)
        self.args_model = args_model or _args_model_from_signature(fn, self.name, doc_args)
        self.params: tuple[Param, ...] = tuple(params or _params_from_model(self.args_model))
        self._owner: Any = None

    # -- binding methods of a Toolkit ------------------------------------------------------
    def __get__(self, instance: Any, owner: type | None = None) -> Tool:
        if instance is None or not self._bound:
            return self
        bound = _copy_tool(self)
        bound._owner = instance
        return bound

    @property
    def owner(self) -> Any:
        """The toolkit instance a method tool is bound to (None for plain functions)."""
        return self._owner

    def __repr__(self) -> str:
        return f"Tool({self.name!r}, risk={self.risk.value})"

    # -- schema and validation -------------------------------------------------------------
    def json_schema(self) -> dict[str, Any]:
        """JSON schema of the arguments (what a cloud LLM's tool binding receives)."""
        return self.args_model.model_json_schema()

    def risk_of(self, args: Mapping[str, Any]) -> Risk:
        """The risk of one call: the toolkit may raise it per target (``risk_of_call``)."""
        assess = getattr(self._owner, "risk_of_call", None)
        if assess is None:
            return self.risk
        return Risk(assess(self, args))

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def validate(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """Validate and coerce ``args``; return only the arguments that were given.

        String values of parameters with fixed choices are matched case-insensitively first.
        """
        args = dict(args)
        for p in self.params:
            value = args.get(p.name)
            if p.choices and isinstance(value, str) and value not in p.choices:
                folded = {c.lower(): c for c in p.choices}
                args[p.name] = folded.get(value.strip().lower(), value)
        try:
            model = self.args_model.model_validate(args)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'args'}: {e['msg']}" for e in exc.errors()
            )
            raise ToolArgumentError(f"{self.name}: {problems}", tool=self.name) from exc
        return model.model_dump(exclude_unset=True)

    def invoke(self, args: Mapping[str, Any] | None = None) -> Any:
        """Validate the arguments, then run the tool."""
        kwargs = self.validate(args or {})
        if self._bound:
            if self._owner is None:
                raise ToolDefinitionError(
                    f"tool {self.name!r} is a method; use it from its toolkit"
                )
            return self.fn(self._owner, **kwargs)
        return self.fn(**kwargs)

    def __call__(self, **kwargs: Any) -> Any:
        return self.invoke(kwargs)


def _copy_tool(t: Tool) -> Tool:
    new = object.__new__(Tool)
    new.__dict__.update(t.__dict__)
    return new


def _takes_self(fn: Callable[..., Any]) -> bool:
    params = list(inspect.signature(fn).parameters)
    return bool(params) and params[0] == "self"


def _args_model_from_signature(
    fn: Callable[..., Any], name: str, doc_args: Mapping[str, str]
) -> type[BaseModel]:
    sig = inspect.signature(fn)
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except Exception as exc:  # unresolved forward references
        raise ToolDefinitionError(f"tool {name!r}: cannot resolve type hints: {exc}") from exc
    fields: dict[str, Any] = {}
    for pname, p in sig.parameters.items():
        if pname == "self":
            continue
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise ToolDefinitionError(f"tool {name!r}: *args/**kwargs are not supported")
        if pname not in hints:
            raise ToolDefinitionError(f"tool {name!r}: parameter {pname!r} needs a type hint")
        hint = hints[pname]
        extra: dict[str, Any] = {}
        vocab = _find_vocab(hint)
        if vocab is not None:
            extra["x-vocab"] = vocab.kind
            if vocab.extra:
                extra["x-vocab-extra"] = list(vocab.extra)
            if vocab.from_utterance:
                extra["x-from-utterance"] = True
        default = ... if p.default is inspect.Parameter.empty else p.default
        fields[pname] = (
            hint,
            Field(
                default, description=doc_args.get(pname) or None, json_schema_extra=extra or None
            ),
        )
    model_name = "".join(part.capitalize() for part in re.split(r"[^0-9A-Za-z]+", name)) + "Args"
    return create_model(model_name, __config__=ConfigDict(extra="forbid"), **fields)


def _find_vocab(hint: Any) -> Vocab | None:
    if get_origin(hint) is Annotated:
        for meta in get_args(hint)[1:]:
            if isinstance(meta, Vocab):
                return meta
        return _find_vocab(get_args(hint)[0])
    for arg in get_args(hint):
        found = _find_vocab(arg)
        if found:
            return found
    return None


_JSON_TYPES = {"string", "integer", "number", "boolean"}


def _params_from_model(model: type[BaseModel]) -> list[Param]:
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    defs = schema.get("$defs", {})
    out: list[Param] = []
    for pname, prop in schema.get("properties", {}).items():
        flat = _flatten(prop, defs)
        vocab = None
        if "x-vocab" in prop:
            vocab = Vocab(
                prop["x-vocab"],
                tuple(prop.get("x-vocab-extra", ())),
                bool(prop.get("x-from-utterance", False)),
            )
        out.append(
            Param(
                name=pname,
                type=flat.get("type", "string"),
                required=pname in required,
                description=prop.get("description", ""),
                choices=tuple(str(c) for c in flat.get("enum", ())),
                vocab=vocab,
                minimum=flat.get("minimum", flat.get("exclusiveMinimum")),
                maximum=flat.get("maximum", flat.get("exclusiveMaximum")),
                is_list=flat.get("is_list", False),
            )
        )
    return out


def _flatten(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> dict[str, Any]:
    """Reduce a property schema to one JSON type (dropping ``null`` from unions)."""
    if "$ref" in prop:
        return _flatten(defs[prop["$ref"].split("/")[-1]], defs)
    if "anyOf" in prop:
        options = [o for o in prop["anyOf"] if o.get("type") != "null"]
        merged: dict[str, Any] = {}
        for o in options:
            merged.update(_flatten(o, defs))
        return merged
    if prop.get("type") == "array":
        inner = _flatten(prop.get("items", {}), defs)
        return {**inner, "is_list": True}
    if "const" in prop:
        return {"type": "string", "enum": [prop["const"]]}
    flat = dict(prop)
    if "enum" in flat and "type" not in flat:
        flat["type"] = "string"
    if flat.get("type") not in _JSON_TYPES:
        flat["type"] = "string"
    return flat


@overload
def tool(fn: Callable[..., Any], /) -> Tool: ...
@overload
def tool(
    *,
    name: str | None = None,
    description: str | None = None,
    risk: Risk = Risk.REVERSIBLE,
    needs_confirmation: bool = False,
) -> Callable[[Callable[..., Any]], Tool]: ...


def tool(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    risk: Risk = Risk.REVERSIBLE,
    needs_confirmation: bool = False,
) -> Tool | Callable[[Callable[..., Any]], Tool]:
    """Turn a typed function (or a Toolkit method) into a :class:`Tool`.

    Use bare (``@tool``) or with options (``@tool(risk=Risk.SECURITY)``).
    """

    def wrap(f: Callable[..., Any]) -> Tool:
        return Tool(
            f, name=name, description=description, risk=risk, needs_confirmation=needs_confirmation
        )

    return wrap(fn) if fn is not None else wrap


@dataclass(frozen=True)
class Example:
    """One worked example for prompts: what was perceived and the calls that answer it."""

    utterance: str
    calls: tuple[ToolCall, ...] = ()
    context: Mapping[str, Any] | None = None


class Toolkit:
    """A group of tools sharing one backend (usually a :class:`~edgeagent.world.World`).

    Subclasses decorate methods with :func:`tool`. ``name`` identifies the toolkit (and the
    world it drives) in registries and the CLI.
    """

    name: ClassVar[str] = ""

    def __init__(self, world: World | None = None) -> None:
        self.world = world

    def examples(self) -> list[Example]:
        """Worked examples (request → calls) that show a model how these tools are used.

        They go into local models' prompts. Write them from the tools' own semantics; never
        copy an evaluation set's sentences.
        """
        return []

    def sentence_files(self) -> list[Any]:
        """The toolkit's sentence files (``edgeagent.sentences``): ``sentences/*.yaml`` beside
        the module that defines the toolkit class."""
        import sys
        from pathlib import Path

        from edgeagent.sentences import sentence_files

        module = sys.modules.get(type(self).__module__)
        where = getattr(module, "__file__", None)
        return sentence_files(Path(where).parent / "sentences") if where else []

    def synonyms(self) -> dict[str, dict[str, str]]:
        """Other names of vocabulary values (``{kind: {synonym: value}}``): the world's
        ``synonyms()`` if it has one, and the sentence files' ``synonyms`` sections."""
        merged: dict[str, dict[str, str]] = {}
        declared = getattr(self.world, "synonyms", None)
        for source in (declared() if declared is not None else {}, self._file_synonyms()):
            for kind, names in source.items():
                merged.setdefault(kind, {}).update(names)
        return merged

    def _file_synonyms(self) -> dict[str, dict[str, str]]:
        cached = self.__dict__.get("_sentence_synonyms")
        if cached is None:
            from edgeagent.sentences import load_sentences

            files = self.sentence_files()
            cached = dict(load_sentences(files).synonyms) if files else {}
            self.__dict__["_sentence_synonyms"] = cached
        return cached

    def sentence_lists(self) -> dict[str, Any]:
        """Lists the sentence files may use besides their own: one per kind of the world's
        vocabulary (``{area}``, ``{name}``...), each value said as it is written or as one of
        its synonyms."""
        from edgeagent.sentences import SentenceList

        vocab = self.world.vocabulary() if self.world is not None else {}
        synonyms = self.synonyms()
        out = {}
        for kind, values in vocab.items():
            said = [(v, v) for v in values] + list(synonyms.get(kind, {}).items())
            if said:
                out[kind] = SentenceList.of(said)
        return out

    def training_cases(self, n: int, *, seed: int = 0, noise: float = 0.0) -> list[Any]:
        """``n`` generated, labelled requests (``edgeagent.cases.Case``) for distillation,
        drawn from the toolkit's sentence files (``noise``: the share given speech-recognition
        noise). Toolkits with other ways to write requests override this."""
        from edgeagent.errors import ConfigError
        from edgeagent.sentences import generate_cases, load_sentences

        files = self.sentence_files()
        if not files:
            raise ConfigError(
                f"toolkit {self.name!r} has no sentence files: write how people ask for each tool"
                " in sentences/*.yaml beside the toolkit's module (docs/sentences.md), or give"
                " teacher data instead (--db, --utterances with --teacher, or a case file)"
            )
        return generate_cases(
            load_sentences(files),
            n,
            seed=seed,
            suite=self.name,
            lists=self.sentence_lists(),
            tools=[t.name for t in self.tools()],
            noise=noise,
        )

    def risk_of_call(self, tool: Tool, args: Mapping[str, Any]) -> Risk:
        """Risk of a call of one of this toolkit's tools; override to depend on the target
        (unlocking a door through a generic turn-off tool is a security action)."""
        return tool.risk

    def tools(self) -> list[Tool]:
        """The toolkit's tools, bound to this instance, in definition order."""
        found: list[Tool] = []
        seen: set[str] = set()
        for klass in reversed(type(self).__mro__):
            for attr, value in vars(klass).items():
                if isinstance(value, Tool) and attr not in seen:
                    seen.add(attr)
        for attr in _definition_order(type(self), seen):
            found.append(getattr(self, attr))
        return found


def _definition_order(cls: type, names: set[str]) -> list[str]:
    order: list[str] = []
    for klass in reversed(cls.__mro__):
        for attr in vars(klass):
            if attr in names and attr not in order:
                order.append(attr)
    return order
