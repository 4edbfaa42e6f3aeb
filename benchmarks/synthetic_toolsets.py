"""Generated toolsets and requests over invented API domains (no benchmark data).

Each domain is an entity with attributes a function can compute or look up and the
parameters it takes. Tools are documented the way API references are ("Calculate the area of
a rectangle given its width and height."); requests ask the way people do, with values.
:func:`relevance_pairs` yields (request, tools, 1 if one of the tools answers it): the
request's own tool among tools of other domains, tools of other domains only, or, as near
misses, the same entity's other attributes only.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from edgeagent.jsonschema import model_from_json_schema
from edgeagent.tool import Risk, Tool

# entity, [attributes], [(parameter, kind)] — kind: num, int, name, city, date
DOMAINS: list[tuple[str, list[str], list[tuple[str, str]]]] = [
    ("rectangle", ["area", "perimeter", "diagonal"], [("width", "num"), ("height", "num")]),
    ("sphere", ["volume", "surface area"], [("radius", "num")]),
    (
        "loan",
        ["monthly payment", "total interest"],
        [("principal", "int"), ("annual rate", "num"), ("years", "int")],
    ),
    (
        "investment",
        ["future value", "annual return"],
        [("initial amount", "int"), ("rate", "num"), ("years", "int")],
    ),
    ("city", ["population", "average rainfall", "time zone"], [("city name", "city")]),
    (
        "flight",
        ["ticket price", "duration", "departure gate"],
        [("origin", "city"), ("destination", "city"), ("date", "date")],
    ),
    (
        "hotel",
        ["nightly rate", "availability", "guest rating"],
        [("hotel name", "name"), ("check in date", "date")],
    ),
    ("movie", ["release year", "director", "box office revenue"], [("title", "name")]),
    ("song", ["lyrics", "artist", "chart position"], [("song title", "name")]),
    (
        "stock",
        ["closing price", "dividend yield", "market capitalisation"],
        [("ticker symbol", "name"), ("date", "date")],
    ),
    (
        "recipe",
        ["calorie count", "cooking time", "ingredient list"],
        [("dish", "name"), ("servings", "int")],
    ),
    ("patient", ["body mass index", "ideal weight"], [("weight kg", "num"), ("height cm", "num")]),
    ("chemical element", ["atomic mass", "melting point", "discovery year"], [("element", "name")]),
    ("planet", ["orbital period", "gravity", "distance from sun"], [("planet name", "name")]),
    (
        "car",
        ["fuel consumption", "resale value", "insurance quote"],
        [("model", "name"), ("year", "int")],
    ),
    ("book", ["author", "page count", "publication date"], [("book title", "name")]),
    ("football team", ["league standing", "next match", "top scorer"], [("team", "name")]),
    (
        "restaurant",
        ["opening hours", "menu", "table reservation"],
        [("restaurant name", "name"), ("city", "city")],
    ),
    (
        "currency",
        ["exchange rate", "converted amount"],
        [("amount", "num"), ("from currency", "name"), ("to currency", "name")],
    ),
    (
        "circuit",
        ["resistance", "current", "power"],
        [("voltage", "num"), ("resistance ohms", "num")],
    ),
    (
        "projectile",
        ["maximum height", "range", "flight time"],
        [("initial velocity", "num"), ("launch angle", "num")],
    ),
    ("employee", ["salary", "vacation balance", "manager"], [("employee id", "int")]),
    (
        "package",
        ["delivery status", "shipping cost", "estimated arrival"],
        [("tracking number", "int")],
    ),
    ("mountain", ["elevation", "first ascent", "location"], [("mountain name", "name")]),
    (
        "gene",
        ["sequence length", "protein product", "mutation frequency"],
        [("gene symbol", "name")],
    ),
    ("polynomial", ["roots", "derivative", "integral"], [("coefficients", "int")]),
    ("historical event", ["date", "key figures", "outcome"], [("event name", "name")]),
    ("painting", ["artist", "museum", "estimated value"], [("painting title", "name")]),
    ("train", ["schedule", "fare", "platform"], [("from station", "city"), ("to station", "city")]),
    (
        "house",
        ["mortgage estimate", "property tax", "market value"],
        [("price", "int"), ("zip code", "int")],
    ),
    ("species", ["habitat", "lifespan", "conservation status"], [("species name", "name")]),
    ("earthquake", ["magnitude", "epicentre", "casualties"], [("region", "city"), ("year", "int")]),
    ("vaccine", ["schedule", "side effects", "efficacy"], [("vaccine name", "name")]),
    ("sequence", ["sum", "average", "median"], [("numbers", "int")]),
    ("triangle", ["area", "hypotenuse", "angles"], [("side a", "num"), ("side b", "num")]),
    ("weather station", ["current temperature", "wind speed", "humidity"], [("city", "city")]),
    ("university", ["tuition fee", "acceptance rate", "ranking"], [("university name", "name")]),
    (
        "video game",
        ["release date", "rating", "price"],
        [("game title", "name"), ("platform", "name")],
    ),
]
_TOOL_DOCS = [
    "Calculate the {attr} of a {entity} given its {params}.",
    "Retrieve the {attr} for a given {entity}.",
    "Returns the {attr} of the specified {entity} based on {params}.",
    "Get the {attr} of a {entity}.",
    "Find the {attr} of a {entity} using the {params}.",
]
_REQUESTS = [
    "What is the {attr} of a {entity} with {values}?",
    "Can you find the {attr} of the {entity} {values}?",
    "I need the {attr} for {values}.",
    "Tell me the {attr} of this {entity}: {values}.",
    "How much is the {attr} of a {entity} where {values}?",
    "Please get me the {attr}, {values}.",
    "Look up the {attr} of {values}",
]
_NAMES = ["Aurora", "Blue Ridge", "Orion", "Maple", "Zephyr", "Nova", "Granite", "Luna", "Echo"]
_CITIES = ["Lisbon", "Denver", "Osaka", "Nairobi", "Quebec", "Perth", "Bergen", "Cusco"]
_DATES = ["March 3rd", "2024-05-17", "next Friday", "June 21, 2025", "tomorrow"]


def _value(kind: str, rng: random.Random) -> Any:
    if kind == "num":
        return round(rng.uniform(1, 500), rng.choice([0, 1, 2]))
    if kind == "int":
        return rng.randint(1, 5000)
    return rng.choice({"name": _NAMES, "city": _CITIES, "date": _DATES}[kind])


def _snake(text: str) -> str:
    return "_".join(text.lower().split())


def make_tool(entity: str, attr: str, params: list[tuple[str, str]], rng: random.Random) -> Tool:
    """A function-style tool (as BFCL-like specs read) for one attribute of an entity."""
    doc = rng.choice(_TOOL_DOCS).format(
        attr=attr, entity=entity, params=" and ".join(p for p, _ in params)
    )
    props = {
        _snake(p): {
            "type": {"num": "number", "int": "integer"}.get(k, "string"),
            "description": f"The {p} of the {entity}.",
        }
        for p, k in params
    }
    name = f"{rng.choice(['get', 'calc', 'find', ''])}_{_snake(entity)}_{_snake(attr)}".strip("_")
    model = model_from_json_schema(name, props, list(props))
    return Tool(lambda **kw: kw, name=name, description=doc, risk=Risk.READ_ONLY, args_model=model)


def request(entity: str, attr: str, params: list[tuple[str, str]], rng: random.Random) -> str:
    values = ", ".join(f"{p} {_value(k, rng)}" for p, k in params)
    return rng.choice(_REQUESTS).format(attr=attr, entity=entity, values=values)


def relevance_pairs(n: int, seed: int = 0) -> Iterator[tuple[str, list[Tool], int]]:
    """``n`` requests, each as one relevant and one irrelevant (request, tools, label)."""
    rng = random.Random(seed)
    for _ in range(n):
        d = rng.randrange(len(DOMAINS))
        entity, attrs, params = DOMAINS[d]
        attr = rng.choice(attrs)
        words = request(entity, attr, params, rng)
        others = [i for i in range(len(DOMAINS)) if i != d]

        def foreign(k: int, others: list[int] = others) -> list[Tool]:
            tools = []
            for i in rng.sample(others, k):
                e, a, p = DOMAINS[i]
                tools.append(make_tool(e, rng.choice(a), p, rng))
            return tools

        k = rng.randint(1, 4)
        own = make_tool(entity, attr, params, rng)
        tools = [own, *foreign(k - 1)]
        rng.shuffle(tools)
        yield words, tools, 1
        near = [a for a in attrs if a != attr]
        if near and rng.random() < 0.3:  # the same entity, another attribute
            yield words, [make_tool(entity, rng.choice(near), params, rng)], 0
        else:
            yield words, foreign(k), 0


def tool_pairs(n: int, seed: int = 0) -> Iterator[tuple[str, Tool, int]]:
    """``n`` requests as (request, tool, 1 if the tool answers it): the request's own tool,
    one tool of another domain and, where the entity has more, a near miss (same entity,
    another attribute)."""
    rng = random.Random(seed)
    for _ in range(n):
        d = rng.randrange(len(DOMAINS))
        entity, attrs, params = DOMAINS[d]
        attr = rng.choice(attrs)
        words = request(entity, attr, params, rng)
        yield words, make_tool(entity, attr, params, rng), 1
        e, a, p = DOMAINS[rng.choice([i for i in range(len(DOMAINS)) if i != d])]
        yield words, make_tool(e, rng.choice(a), p, rng), 0
        near = [x for x in attrs if x != attr]
        if near:
            yield words, make_tool(entity, rng.choice(near), params, rng), 0
