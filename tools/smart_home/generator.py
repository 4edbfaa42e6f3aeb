"""Training utterances for the smart-home tools, generated from a :class:`HomeWorld`.

``generate(world, n, seed=...)`` writes requests the way people say them (commands and
questions, polite or terse, "in here" with the speaker's area as context, numbers as digits or
words...) and labels each with the Home Assistant intent call that answers it, following the
conventions of Home Assistant's intent tests:

- lights, fans and switches by place: ``domain`` + ``area`` (or ``floor``); the speaker's area
  (``context["area"]``) fills ``area`` when the request says "in here" or names no place;
  "all the lights in the house" is ``domain`` alone;
- a device by name: ``name`` alone (covers and locks too: open = on, lock = on, unlock = off);
  scenes, scripts and valves by name add their ``domain``;
- covers by kind: ``domain="cover"`` + ``device_class`` (+ area/floor);
- locks by place: ``domain="lock"``, ``name="all"`` (+ area);
- questions about binary sensors: ``domain="binary_sensor"`` + ``device_class`` + the raw state
  ``"on"``/``"off"``; about sensors: ``domain="sensor"`` + ``device_class`` + ``name``;
- timers: ``name``/``area``/``start_*`` only when the request says them.

Every slot value comes from the world (names, areas, floors, timers, lists, media), so labels
validate against the toolkit's closed vocabularies. About ``out_of_scope`` of the cases are
requests no tool handles (general knowledge, errands, devices or rooms the home lacks); their
expected calls are empty. The phrasings are written from the intents' semantics, not taken
from any evaluation set.

Command line::

    python -m edgeagent_tools.smart_home.generator --n 5000 --seed 0 -o generated.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from edgeagent.cases import Case, ExpectedCall
from edgeagent.sentences.template import Node, parse
from edgeagent.sentences.template import expand as expand_template
from edgeagent.spoken_numbers import number_words

from .models import Area, Entity, Floor, Timer, norm
from .world import HomeWorld

__all__ = ["TOOL_WEIGHTS", "generate", "write_jsonl"]

# --------------------------------------------------------------------------------------------
# Templates in the sentence files' language (``edgeagent.sentences``): "(a|b)" picks one
# alternative, "[x]" or "[a|b]" is optional; "{slot}" is filled with the given words.
# --------------------------------------------------------------------------------------------


@cache
def _parse(template: str) -> tuple[Node, ...]:
    return parse(template)


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"\s+([,?.!])", r"\1", text)
    text = re.sub(r",+", ",", text)
    return text.strip(" ,")


def expand(rng: random.Random, template: str, slots: Mapping[str, str] | None = None) -> str:
    """One random expansion of ``template`` with its ``{slots}`` filled."""
    words = slots or {}
    drawn = expand_template(
        _parse(template), rng, lambda _list, slot, _rng: (words[slot], words[slot]), {}
    )
    return _tidy(drawn.text)


# --------------------------------------------------------------------------------------------
# Numbers and durations, as digits or words.
# --------------------------------------------------------------------------------------------


def _article(spoken: str) -> str:
    """``a`` or ``an`` before a spoken number: an 8 minute, an eleven second, a one hour."""
    first = spoken.split()[0].lower()
    if first[0].isdigit():
        vowel = first.startswith("8") or first in {"11", "18"}
    else:
        vowel = first[0] in "aeiou" and not first.startswith("one")
    return "an" if vowel else "a"


_UNITS = ("hour", "minute", "second")
_MINUTES = (1, 2, 3, 4, 5, 5, 6, 7, 8, 10, 10, 12, 15, 15, 20, 20, 25, 30, 30, 40, 45, 50, 90)
_SECONDS = (5, 10, 15, 20, 30, 30, 40, 45, 50, 90)


# --------------------------------------------------------------------------------------------
# Phrasing data: words for kinds of devices, sensor classes and binary-sensor states.
# --------------------------------------------------------------------------------------------

# domain -> (singular, plural) nouns used with a place ("the kitchen lights").
_DOMAIN_NOUNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "light": (("light",), ("lights", "lights", "lights", "lighting")),
    "fan": (("fan",), ("fans",)),
    "switch": (("switch",), ("switches",)),
}
# cover device class -> (singular, plural) nouns.
_COVER_NOUNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "curtain": (("curtain",), ("curtains", "curtains", "drapes")),
    "blind": (("blind",), ("blinds",)),
    "shade": (("shade", "window shade"), ("shades", "window shades", "roller shades")),
    "shutter": (("shutter",), ("shutters",)),
    "window": (("window",), ("windows",)),
    "awning": (("awning",), ("awnings",)),
    "garage": (("garage door",), ("garage doors",)),
    "gate": (("gate",), ("gates",)),
    "door": (("door",), ("doors",)),
    "damper": (("damper",), ("dampers",)),
}
_RAISABLE = frozenset({"blind", "shade", "shutter", "awning", "garage", "curtain"})
# Cover kinds a home may lack that people still ask for ("close the blinds in the bedroom").
_COMMON_COVER_CLASSES = ("blind", "window", "shutter", "curtain", "shade")

# sensor device class -> what it measures.
_SENSOR_NOUNS: dict[str, tuple[str, ...]] = {
    "apparent_power": ("apparent power",),
    "aqi": ("air quality", "air quality index", "AQI"),
    "atmospheric_pressure": ("atmospheric pressure", "air pressure", "barometric pressure"),
    "battery": ("battery level", "battery", "battery percentage", "charge level"),
    "carbon_dioxide": ("carbon dioxide level", "CO2 level", "CO2 concentration"),
    "carbon_monoxide": ("carbon monoxide level", "CO level", "carbon monoxide reading"),
    "current": ("current", "current draw", "amperage"),
    "data_rate": ("data rate", "download speed", "transfer rate"),
    "data_size": ("size", "data size", "file size"),
    "date": ("date",),
    "distance": ("distance", "mileage"),
    "duration": ("duration", "run time"),
    "energy": ("energy", "energy output"),
    "energy_storage": ("stored energy", "energy storage level"),
    "frequency": ("frequency",),
    "gas": ("gas usage", "gas consumption"),
    "humidity": ("humidity", "humidity level", "relative humidity"),
    "illuminance": ("illuminance", "light level"),
    "irradiance": ("irradiance", "solar irradiance"),
    "moisture": ("moisture", "moisture level"),
    "monetary": ("price", "cost"),
    "nitrogen_dioxide": ("nitrogen dioxide level", "NO2 level", "nitrogen dioxide reading"),
    "nitrogen_monoxide": ("nitrogen monoxide level", "NO level", "nitric oxide level"),
    "nitrous_oxide": ("nitrous oxide level", "N2O level"),
    "ozone": ("ozone level", "ozone concentration"),
    "pm1": ("PM1 level", "PM1 concentration"),
    "pm25": ("PM2.5 level", "PM 2.5 concentration", "fine particulate level"),
    "pm10": ("PM10 level", "PM10 concentration"),
    "power_factor": ("power factor",),
    "power": ("power", "power usage", "power draw", "power consumption"),
    "precipitation": ("precipitation", "rainfall", "amount of rain"),
    "precipitation_intensity": ("rain intensity", "precipitation intensity", "rain rate"),
    "pressure": ("pressure",),
    "reactive_power": ("reactive power",),
    "signal_strength": ("signal strength", "signal"),
    "sound_pressure": ("sound pressure", "noise level", "sound level"),
    "speed": ("speed",),
    "sulphur_dioxide": ("sulphur dioxide level", "sulfur dioxide level", "SO2 level"),
    "temperature": ("temperature",),
    "volatile_organic_compounds": ("VOC level", "volatile organic compound level"),
    "volatile_organic_compounds_parts": ("VOC level", "volatile organic compound reading"),
    "voltage": ("voltage",),
    "volume": ("volume", "water volume"),
    "volume_storage": ("stored volume", "volume in storage"),
    "water": ("water usage", "water consumption"),
    "weight": ("weight",),
    "wind_speed": ("wind speed", "wind"),
}


@dataclass(frozen=True)
class _Binary:
    """How people ask about a binary sensor class: of a named sensor ({n}, {be}), or of the
    whole kind ({where} is a place or nothing). Each pair is (phrasings, raw state)."""

    named_on: tuple[str, ...] = ()
    named_off: tuple[str, ...] = ()
    any_on: tuple[str, ...] = ()
    any_off: tuple[str, ...] = ()


_B = _Binary
_BINARY: dict[str, _Binary] = {
    "battery": _B(
        ("is [the] {n} battery (low|running low|almost (empty|dead))", "does [the] {n} need (charging|a charge)"),
        ("is [the] {n} battery (ok|fine|normal|good)",),
        ("is any battery (low|running low) {where}", "are any batteries (low|running low) {where}", "(which|what) batteries (are low|need (charging|replacing)) {where}"),
        ("are all [the] batteries (ok|fine|good) {where}",),
    ),
    "battery_charging": _B(
        ("is [the] {n} (charging|still charging|on the charger)",),
        ("is [the] {n} not charging", "has [the] {n} stopped charging"),
        ("is (anything|something) charging {where}", "(which|what) devices are charging {where}"),
        ("(which|what) devices are not charging {where}",),
    ),
    "carbon_monoxide": _B(
        ("is [the] {n} [sensor|detector] (detecting|reporting|picking up) carbon monoxide", "has [the] {n} [detector] gone off"),
        ("is [the] {n} [sensor|detector] (clear|reading clear)",),
        ("is (there any|any) (carbon monoxide|CO) (detected|present) {where}", "do (we|I) have a carbon monoxide (problem|leak) {where}", "(has|is) carbon monoxide (been) detected {where}"),
        ("is the air (clear|free) of carbon monoxide {where}", "are [all] the (carbon monoxide|CO) (detectors|alarms) (clear|quiet) {where}"),
    ),
    "cold": _B(
        ("{be} [the] {n} (cold|freezing|too cold)", "{be} [the] {n} at risk of freezing"),
        ("{be} [the] {n} (ok|fine) temperature wise", "{be} [the] {n} warm enough"),
        ("is anything (freezing|too cold) {where}",),
        (),
    ),
    "connectivity": _B(
        ("{be} [the] {n} (connected|online|on the network)",),
        ("{be} [the] {n} (disconnected|offline)", "has [the] {n} lost (its|the) connection"),
        ("(which|what) devices are (connected|online) {where}",),
        ("are any devices (offline|disconnected) {where}", "(which|what) devices are offline {where}"),
    ),
    "door": _B(
        ("{be} [the] {n} open", "did (I|someone|we) leave [the] {n} open"),
        ("{be} [the] {n} (closed|shut)",),
        ("are (there) any doors (open|left open) {where}", "is (there) a door (open|left open) {where}", "which doors are (open|standing open) {where}"),
        ("are all [the] doors (closed|shut) {where}",),
    ),
    "garage_door": _B(
        ("{be} [the] {n} open", "did (I|someone|we) leave [the] {n} open"),
        ("{be} [the] {n} (closed|shut|down)",),
        ("is (the|a|any) garage door (open|up) {where}", "are (the|any) garage doors (open|up) {where}",),
        ("is the garage door (closed|shut|down) {where}", "are the garage doors (closed|shut|down) {where}",),
    ),
    "gas": _B(
        ("is [the] {n} [sensor|detector] (detecting|picking up) (gas|anything)", "has [the] {n} [sensor|detector] been triggered"),
        ("is [the] {n} [sensor|detector] (clear|quiet)",),
        ("is there (a gas leak|any gas) {where}", "is (any) gas detected {where}", "has (any) gas been detected {where}", "do (I|we) have a gas leak {where}"),
        ("are [all] the gas (sensors|detectors) (clear|quiet) {where}",),
    ),
    "heat": _B(
        ("is [the] {n} (overheating|too hot|running hot|getting hot)",),
        ("is [the] {n} (at a normal temperature|cool enough|not overheating)",),
        ("is (anything|something) overheating {where}", "(which|what) devices are (too hot|overheating) {where}"),
        (),
    ),
    "light": _B(
        ("is [the] {n} sensor (detecting|seeing) (any) light",),
        ("is [the] {n} sensor (dark|seeing no light)",),
        ("is (any) light (being) detected {where}", "do the light sensors (see|detect) (any) light {where}"),
        ("is it dark according to the light sensors {where}",),
    ),
    "lock": _B(
        ("{be} [the] {n} unlocked", "did (I|someone) leave [the] {n} unlocked"),
        ("{be} [the] {n} (locked|latched)",),
        (),
        (),
    ),
    "moisture": _B(
        ("is [the] {n} (wet|detecting (water|a leak|moisture))", "did [the] {n} (detect|pick up) (a leak|water)", "has [the] {n} (detected|picked up) (a leak|water)"),
        ("is [the] {n} dry", "is [the] {n} (still) (dry|clear)"),
        ("is there (a|any) (leak|water leak) {where}", "is (anything|something) (leaking|wet) {where}", "are (any|the) (leak|water) sensors (wet|triggered) {where}", "is (a|any|the) (leak|water) sensor (wet|triggered) {where}"),
        ("is everything dry {where}", "are all [the] (leak|water) sensors dry {where}"),
    ),
    "motion": _B(
        ("is [the] {n} (detecting|picking up|seeing) (motion|movement)", "did [the] {n} (detect|pick up) (any) (motion|movement)", "has [the] {n} (detected|picked up) (any) (motion|movement)"),
        ("is [the] {n} (clear|quiet|not detecting anything)",),
        ("is there (any) (motion|movement) {where}", "is (any) (motion|movement) detected {where}", "has (any) (motion|movement) been detected {where}", "did (any|a) motion sensor (go off|trip) {where}", "has (any|a) motion sensor (gone off|tripped|been triggered) {where}"),
        ("are [all] the motion sensors (clear|quiet) {where}",),
    ),
    "moving": _B(
        ("is [the] {n} moving",),
        ("is [the] {n} (still|not moving|stationary)",),
        ("is (anything|something) moving {where}",),
        (),
    ),
    "occupancy": _B(
        ("is [the] {n} [sensor] (detecting|showing) (anyone|someone|occupancy)",),
        ("is [the] {n} [sensor] (clear|showing nobody)",),
        ("is (anyone|somebody|someone) (in|inside) {where_noun}", "is {where_noun} occupied"),
        ("is {where_noun} (empty|unoccupied)",),
    ),
    "opening": _B(
        ("{be} [the] {n} open", "did (I|someone) leave [the] {n} open"),
        ("{be} [the] {n} (closed|shut)",),
        ("is (anything|something) (left) open {where}", "(which|what) (openings|doors and windows) are open {where}"),
        ("is everything (closed|shut) {where}",),
    ),
    "plug": _B(
        ("is [the] {n} plugged in", "is [the] {n} (connected to|on) (the) (power|charger|mains)"),
        ("is [the] {n} unplugged", "is [the] {n} not plugged in"),
        ("(which|what) (devices|things) are plugged in {where}", "is (anything|something) plugged in {where}"),
        ("is (anything|something) unplugged {where}",),
    ),
    "power": _B(
        ("{be} [the] {n} (powered|getting power|live)", "is there power (at|on) [the] {n}"),
        ("{be} [the] {n} (without power|unpowered|dead)",),
        ("do (we|I) have power {where}", "is the power (on|working) {where}"),
        ("is there a power (cut|outage|failure) {where}", "has the power (gone out|failed) {where}"),
    ),
    "presence": _B(
        ("is [the] {n} (home|present|here|at home)",),
        ("is [the] {n} (away|gone|not home)",),
        ("(which|what) devices are (home|present) {where}",),
        ("(which|what) devices are away {where}",),
    ),
    "problem": _B(
        ("does [the] {n} have (a problem|an issue|any problems)", "is (something|anything) wrong with [the] {n}", "is [the] {n} reporting (a problem|an error)"),
        ("is [the] {n} (ok|working fine|working properly|all right)",),
        ("are there any (problems|issues) {where}", "is anything reporting a problem {where}", "are any devices reporting problems {where}", "(which|what) devices have (problems|issues) {where}"),
        ("is everything (ok|working fine) {where}",),
    ),
    "running": _B(
        ("is [the] {n} (running|still running|going)",),
        ("is [the] {n} (done|finished)", "has [the] {n} (finished|stopped)", "is [the] {n} not running"),
        ("is anything running {where}", "are any appliances running {where}", "what('s| is) running right now {where}"),
        (),
    ),
    "safety": _B(
        ("is [the] {n} (unsafe|dangerous)", "is it unsafe (on|at) [the] {n}"),
        ("is [the] {n} safe", "is it safe (on|at) [the] {n}"),
        ("is (anything|something) unsafe {where}",),
        ("is everything safe {where}",),
    ),
    "smoke": _B(
        ("is [the] {n} (detecting|picking up) smoke", "did [the] {n} (alarm|detector) go off", "has [the] {n} (alarm|detector) gone off"),
        ("is [the] {n} [alarm|detector] (clear|quiet)",),
        ("is there (any) smoke {where}", "is (any) smoke detected {where}", "has (any) smoke been detected {where}", "are (any|the) smoke (alarms|detectors) (going off|triggered) {where}", "is (a|any|the) smoke (alarm|detector) (going off|triggered) {where}"),
        ("are [all] the smoke (alarms|detectors) (clear|quiet) {where}",),
    ),
    "sound": _B(
        ("is [the] {n} [sensor] (hearing|detecting|picking up) (sound|noise|anything)",),
        ("is [the] {n} [sensor] (quiet|clear)",),
        ("is there (any) (noise|sound) {where}", "is (any) (noise|sound) detected {where}", "has (any) (noise|sound) been detected {where}", "is it (noisy|loud) {where}"),
        ("is it quiet {where}",),
    ),
    "tamper": _B(
        ("has [the] {n} been tampered with", "is [the] {n} (reporting|showing) tampering", "has (someone|anyone) (messed|tampered) with [the] {n}"),
        ("is [the] {n} (untouched|secure)",),
        ("has (anything|something) been tampered with {where}", "is there any tampering {where}"),
        (),
    ),
    "update": _B(
        ("does [the] {n} have an update (available|waiting|pending)", "is there an update (for|available for) [the] {n}", "does [the] {n} need (an update|updating)"),
        ("is [the] {n} up to date",),
        ("(which|what) devices (have|need) updates {where}", "are there any updates (available|waiting) {where}"),
        ("is everything up to date {where}",),
    ),
    "vibration": _B(
        ("is [the] {n} vibrating", "(is|does) [the] {n} (detecting|sensing) vibration"),
        ("is [the] {n} (still|not vibrating)",),
        ("is (something|any device) vibrating {where}", "(which|what) (devices|things) are vibrating {where}", "is (any|some) vibration (being) detected {where}"),
        (),
    ),
    "window": _B(
        ("{be} [the] {n} open", "did (I|someone|we) leave [the] {n} open"),
        ("{be} [the] {n} (closed|shut)",),
        ("are (there) any windows (open|left open) {where}", "is (there) a window (open|left open) {where}", "which windows are open {where}"),
        ("are all [the] windows (closed|shut) {where}",),
    ),
}  # fmt: skip

_COLORS = ("red", "orange", "yellow", "green", "blue", "purple", "pink", "white", "turquoise",
           "brown")  # fmt: skip

_GROCERIES = (
    "apples", "bananas", "milk", "eggs", "bread", "butter", "coffee", "oat milk", "paper towels",
    "dish soap", "tomatoes", "rice", "pasta", "olive oil", "cheddar cheese", "greek yogurt",
    "orange juice", "chicken breasts", "toilet paper", "AA batteries", "cereal", "onions",
    "garlic", "spinach", "strawberries", "ground beef", "tortillas", "peanut butter", "honey",
    "flour", "sugar", "sea salt", "black pepper", "ice cream", "frozen peas", "sparkling water",
    "cat food", "dog treats", "laundry detergent", "sponges", "trash bags", "avocados", "lemons",
    "carrots", "potatoes", "bagels", "granola", "almond butter", "cucumbers", "salmon", "tofu",
    "hummus", "mustard", "ketchup", "frozen pizza", "green tea", "blueberries", "broccoli",
    "aluminum foil", "shampoo", "toothpaste", "a birthday candle", "two dozen eggs",
)  # fmt: skip
_CHORES = (
    "vacuum the stairs", "water the plants", "clean the bathroom", "mow the lawn", "do the laundry",
    "wash the car", "feed the cat", "empty the dishwasher", "change the sheets",
    "sweep the porch", "fold the towels", "clean out the fridge", "walk the dog",
    "recycle the bottles", "wipe the counters", "dust the shelves", "pay the electric bill",
    "call the plumber", "replace the air filter", "clean the gutters", "take the bins out",
    "iron the shirts", "descale the kettle", "organize the garage",
)  # fmt: skip
_TIMER_NAMES = (
    "pizza", "pasta", "eggs", "tea", "laundry", "cookies", "bread", "rice", "potatoes", "oven",
    "nap", "homework", "workout", "break", "meditation", "steak", "cake", "popcorn", "roast",
    "muffins", "soup", "brownies", "parking", "lasagna", "plank", "chicken", "dough",
)  # fmt: skip
_MESSAGES = (
    "dinner is ready", "it's time for bed", "we're leaving in five minutes", "the movie is starting",
    "someone needs to take out the trash", "breakfast is on the table", "grandma is here",
    "everyone should come downstairs", "the car is here", "lunch is served", "it's time to get up",
    "homework time is over", "the pizza has arrived", "the game is about to start",
    "we need help carrying the groceries", "the guests are here", "bath time in ten minutes",
    "the laundry is done", "lights out in fifteen minutes", "everyone needs to come to the kitchen",
)  # fmt: skip
_COMMANDS = (
    "turn off the lights", "turn off the tv", "close the curtains", "turn on the fan",
    "lock the front door", "pause the music", "turn the heating down", "stop the vacuum",
    "switch off the bedroom lamp", "open the blinds", "turn off the ceiling fan",
    "turn on the porch light", "play some music",
)  # fmt: skip
# Titles people ask for, with the kind of media each is (used with world titles too).
_MEDIA_KINDS: dict[str, str] = {
    "the office": "tv_show", "bohemian rhapsody": "track", "queen": "artist", "beatles": "artist",
    "the beatles": "artist", "my favorites": "playlist", "serial": "podcast", "inception": "movie",
    "breaking bad": "tv_show", "stranger things": "tv_show", "taylor swift": "artist",
    "abbey road": "album", "planet earth": "tv_show", "the dark side of the moon": "album",
    "radiolab": "podcast", "interstellar": "movie", "hotel california": "track",
    "miles davis": "artist", "chill vibes": "playlist", "friends": "tv_show", "thriller": "album",
    "the daily": "podcast", "jurassic park": "movie", "coldplay": "artist",
    "workout mix": "playlist", "yesterday": "track", "blue in green": "track",
}  # fmt: skip
_EXTRA_MEDIA = (
    "Stranger Things", "Taylor Swift", "Abbey Road", "Planet Earth", "The Dark Side of the Moon",
    "Radiolab", "Interstellar", "Hotel California", "Miles Davis", "Chill Vibes", "Friends",
    "Thriller", "The Daily", "Jurassic Park", "Coldplay", "Workout Mix", "Yesterday",
)  # fmt: skip
_MEDIA_CLASS_WORDS: dict[str, tuple[str, ...]] = {
    "artist": ("artist", "band"),
    "album": ("album", "record"),
    "playlist": ("playlist",),
    "podcast": ("podcast",),
    "movie": ("movie", "film"),
    "tv_show": ("show", "TV show", "series"),
    "track": ("song", "track"),
}
_WATCH = frozenset({"movie", "tv_show"})

# Requests no smart-home tool handles.
_OUT_OF_SCOPE = (
    "what's the capital of (France|Spain|Japan|Canada|Australia|Brazil|Kenya)",
    "who (wrote|painted) (Hamlet|the Mona Lisa|Pride and Prejudice|The Starry Night)",
    "how tall is (Mount Everest|the Eiffel Tower|the Empire State Building)",
    "how far (away) is the moon", "when did (World War (one|two)|the Roman Empire) end",
    "what's the population of (Tokyo|India|Germany|New York)",
    "who won the (world cup|super bowl|last election)",
    "how many (ounces|grams) (are) in a (cup|pound)", "what's (12 times 7|the square root of 144|15 percent of 80|two plus two)",
    "convert (10 miles to kilometers|5 pounds to kilos|3 cups to milliliters)",
    "how do you say (hello|thank you|good night) in (French|German|Italian|Japanese)",
    "(spell|define) (necessary|rhythm|serendipity|ubiquitous)",
    "tell me a (joke|story|fun fact|riddle)", "sing me a song", "what's the meaning of life",
    "what's your favorite (color|movie|food)", "(flip a coin|roll a die|pick a random number)",
    "I'm bored", "do you dream", "are you smarter than a (cat|toaster)",
    "order (a pizza|sushi|more paper towels online|a large pepperoni pizza)",
    "call (mom|the office|my brother|the dentist)", "text (my sister|dad) that I'm running late",
    "(send an email|write an email) to my boss", "book a table for (two|four) at (7|8)",
    "(get|call) me (a taxi|an uber)", "navigate to the nearest (gas station|pharmacy)",
    "how long is my commute (today|this morning)", "what's on my calendar (today|tomorrow)",
    "set an alarm for (7|6:30|8) (am|in the morning)", "wake me up at (6|7) tomorrow",
    "remind me to (call the dentist|buy a gift|pick up the kids) (tomorrow|at 5)",
    "schedule a meeting for (Monday|next week)", "translate (good morning|where is the train station) into Spanish",
    "read me the (news|headlines)", "what's the score of the (Lakers|Yankees|Arsenal) game",
    "how is the stock market doing (today)", "find (me) a recipe for (lasagna|banana bread)",
    "what's the (price|value) of bitcoin", "(buy|order) (concert tickets|a new phone charger)",
    "how do I (get a stain out of a carpet|boil an egg)", "what movies are playing (tonight|nearby)",
)  # fmt: skip
# Devices and rooms a home rarely has; kept only where the world has nothing of that name.
_ABSENT_DEVICES = (
    "sauna", "hot tub", "coffee maker", "oven", "washing machine", "dryer", "sprinklers",
    "pool heater", "electric blanket", "space heater", "air purifier", "christmas lights",
    "fireplace", "kettle", "microwave", "security cameras", "jacuzzi", "espresso machine",
    "heated floor", "towel warmer", "aquarium pump", "dehumidifier", "water heater",
)  # fmt: skip
_ABSENT_AREAS = (
    "attic", "nursery", "bathroom", "laundry room", "dining room", "hallway", "den", "study",
    "sunroom", "pantry", "home gym", "wine cellar", "playroom", "patio", "library",
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# How often each tool is asked for (relative weights); HassTurnOn/Off, HassGetState and
# HassLightSet most, every tool at least about 1%.
# --------------------------------------------------------------------------------------------

TOOL_WEIGHTS: dict[str, float] = {
    "HassTurnOn": 13.0,
    "HassTurnOff": 12.0,
    "HassGetState": 13.0,
    "HassLightSet": 6.5,
    "HassSetPosition": 2.0,
    "HassClimateSetTemperature": 2.5,
    "HassClimateGetTemperature": 2.0,
    "HassFanSetSpeed": 1.3,
    "HassVacuumStart": 1.3,
    "HassVacuumReturnToBase": 1.3,
    "HassMediaSearchAndPlay": 3.0,
    "HassMediaPause": 1.5,
    "HassMediaUnpause": 1.4,
    "HassMediaNext": 1.5,
    "HassMediaPrevious": 1.2,
    "HassSetVolume": 2.0,
    "HassMediaPlayerMute": 1.3,
    "HassMediaPlayerUnmute": 1.3,
    "HassStartTimer": 3.0,
    "HassCancelTimer": 1.5,
    "HassCancelAllTimers": 1.2,
    "HassIncreaseTimer": 1.4,
    "HassDecreaseTimer": 1.4,
    "HassPauseTimer": 1.2,
    "HassUnpauseTimer": 1.2,
    "HassTimerStatus": 1.5,
    "HassShoppingListAddItem": 1.8,
    "HassShoppingListCompleteItem": 1.2,
    "HassListAddItem": 1.4,
    "HassListCompleteItem": 1.4,
    "HassGetWeather": 1.4,
    "HassGetCurrentDate": 1.3,
    "HassGetCurrentTime": 1.3,
    "HassNevermind": 1.3,
    "HassRespond": 1.2,
    "HassBroadcast": 1.2,
}

# Polite and casual wrappers: (text, weight).
_CMD_PREFIX = (
    ("", 62), ("please ", 9), ("can you ", 6), ("could you ", 4), ("could you please ", 2),
    ("would you ", 1.5), ("will you ", 1), ("hey, ", 3), ("ok, ", 1.5), ("okay ", 1),
    ("I want you to ", 1), ("I'd like you to ", 1), ("go ahead and ", 1.2), ("hey there, ", 0.8),
    ("can you please ", 1.5), ("would you mind if you ", 0), ("quick, ", 0.6), ("um, ", 0.6),
    ("oh, and ", 0.4), ("assistant, ", 0.8), ("computer, ", 0.4),
)  # fmt: skip
_CMD_SUFFIX = (
    ("", 74), (" please", 9), (" for me", 4), (" now", 3.5), (" right now", 1.2),
    (", thanks", 2), (", thank you", 1.5), (" thanks", 1), (" asap", 0.4), (" if you can", 0.6),
    (" real quick", 0.4), (" when you get a chance", 0.3),
)  # fmt: skip
_ASK_PREFIX = (
    ("", 84), ("hey, ", 4), ("ok, ", 2), ("quick question, ", 1.5), ("um, ", 1),
    ("assistant, ", 1), ("so ", 1), ("hey there, ", 0.8), ("excuse me, ", 0.6),
)  # fmt: skip
_QUESTION_OPENERS = ("can ", "could ", "would ", "will ")
# Wrappers for requests that do not start with a verb ("kitchen lights off", "I want it warmer").
_SOFT_PREFIX = (
    ("", 84), ("hey, ", 5), ("ok, ", 3), ("okay ", 1), ("um, ", 1.5), ("assistant, ", 1.5),
    ("oh, and ", 0.5), ("so ", 0.5),
)  # fmt: skip
_SOFT_SUFFIX = (("", 86), (" please", 7), (", thanks", 3), (", thank you", 2), (" now", 1))
# Words an imperative request starts with: only these take "can you", "please"... in front.
_VERBS = frozenset(
    ["activate", "add", "adjust", "announce", "back", "bolt", "bring", "broadcast", "brighten", "bump", "call", "cancel", "change", "check", "clean", "clear", "close", "complete", "continue", "cool", "count", "create", "cross", "cut", "darken", "deactivate", "delete", "dim", "disable", "disengage", "dock", "don't", "enable", "end", "engage", "execute", "extend", "flip", "freeze", "get", "give", "go", "halt", "have", "heat", "hit", "hold", "hoover", "illuminate", "increase", "jot", "keep", "kick", "kill", "knock", "launch", "lengthen", "let", "light", "lift", "lock", "lower", "make", "mark", "move", "mute", "open", "pause", "pick", "play", "power", "press", "program", "pull", "push", "put", "queue", "raise", "read", "recall", "reduce", "release", "remind", "remove", "replay", "restart", "restore", "resume", "return", "rewind", "run", "secure", "send", "set", "shorten", "shout", "shut", "silence", "skip", "speed", "start", "stick", "stop", "stream", "subtract", "switch", "take", "tell", "throw", "tick", "time", "trigger", "trim", "turn", "unbolt", "unlock", "unmute", "unpause", "vacuum", "wait", "warm", "write", "announce", "broadcast", "slow"]
)  # fmt: skip

# --------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    tool: str
    args: dict[str, Any]
    text: str
    context: dict[str, Any] | None = None


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


def _be(name: str) -> str:
    last = name.split()[-1].lower() if name.split() else ""
    return "are" if last.endswith("s") and not last.endswith(("ss", "us")) else "is"


class _Generator:
    """Draws one labelled request at a time from a world."""

    def __init__(self, world: HomeWorld, rng: random.Random) -> None:
        self.w = world
        self.r = rng
        self.dom: dict[str, list[Entity]] = {}
        for e in world.entities.values():
            self.dom.setdefault(e.domain, []).append(e)
        self.areas = list(world.areas.values())
        self.floors = list(world.floors.values())
        self.vocab = world.vocabulary()
        self.states = set(self.vocab["state"])
        words: set[str] = set()
        for kind in ("name", "area", "floor"):
            for value in self.vocab.get(kind, []):
                words.update(norm(value).split())
        self.known_words = words
        self.makers: dict[str, Callable[[], _Draft | None]] = {
            name: getattr(self, "_" + name) for name in TOOL_WEIGHTS
        }
        self.said: list[str] = []  # templates used by the request being written

    # -- small helpers -------------------------------------------------------------------------
    def choice(self, seq: Sequence[Any]) -> Any:
        return self.r.choice(seq)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def pick(self, options: Sequence[tuple[Any, float]]) -> Any:
        return _weighted(self.r, options)

    def say(self, templates: Sequence[str] | str, **slots: str) -> str:
        t = templates if isinstance(templates, str) else self.choice(templates)
        self.said.append(t)  # the phrasing family of the request being written
        return expand(self.r, t, slots)

    def casing(self, text: str, lower: float = 0.75) -> str:
        return text.lower() if self.chance(lower) else text

    def wrap(self, text: str, kind: str = "cmd") -> str:
        """Add politeness, casing and punctuation: ``kind`` is cmd, ask or bare."""
        if kind == "cmd":
            first = text.split()[0].lower().strip(",") if text.split() else ""
            imperative = first in _VERBS
            pre = self.pick(_CMD_PREFIX if imperative else _SOFT_PREFIX)
            suf = self.pick(_CMD_SUFFIX if imperative else _SOFT_SUFFIX)
            low = f" {text.lower()} "
            if pre.strip() and (low.startswith(f" {pre.strip(' ,').split()[-1]} ") or
                                ("please" in pre and "please" in low)):  # fmt: skip
                pre = ""
            if suf.strip(" ,") and (
                suf.strip(" ,") in low or ("please" in suf and "please" in low + pre)
            ):
                suf = ""
            text = f"{pre}{text}{suf}"
            if pre.startswith(_QUESTION_OPENERS) and self.chance(0.6):
                text += "?"
            elif self.chance(0.08):
                text += self.choice((".", "!"))
        elif kind == "ask":
            text = self.pick(_ASK_PREFIX) + text
            if self.chance(0.55) and not text.endswith("?"):
                text += "?"
        elif self.chance(0.1):
            text += self.choice((".", "!"))
        text = _tidy(text)
        if self.chance(0.22):
            text = text[:1].upper() + text[1:]
        return text

    def entity_words(self, e: Entity, suffix: str = "") -> tuple[str, str]:
        """(spoken, label) for an entity; ``suffix`` (" light") may be appended when the name
        does not already say it."""
        names = e.names()
        label = names[0] if len(names) == 1 or self.chance(0.7) else self.choice(names[1:])
        spoken = self.casing(label)
        if suffix and suffix.strip().split()[0] not in norm(label) and self.chance(0.3):
            spoken += suffix
        return spoken, label

    def light_suffix(self, e: Entity) -> str:
        if e.domain == "light":
            low = norm(e.name)
            if not any(w in low for w in ("light", "lamp", "lights", "led", "bulb")):
                return self.choice((" light", " lights", " lamp"))
        if e.domain == "fan" and "fan" not in norm(e.name):
            return " fan"
        return ""

    def area_words(self, a: Area) -> dict[str, str]:
        names = a.names()
        label = names[0] if len(names) == 1 or self.chance(0.7) else self.choice(names[1:])
        spoken = self.casing(label, 0.8)
        bare = norm(label) in {"outside", "outdoors", "upstairs", "downstairs", "inside"}
        if bare:
            in_area = spoken if self.chance(0.7) else f"{self.choice(('out', 'in the'))} {spoken}"
            in_area = spoken if norm(label) != "outside" else in_area.replace("in the ", "")
            noun = "outside" if norm(label) == "outside" else f"the {spoken}"
        else:
            art = "the " if self.chance(0.8) else ""
            in_area = f"{self.choice(('in', 'in', 'in', 'inside'))} {art}{spoken}"
            noun = f"the {spoken}"
        return {"area": spoken, "in_area": in_area, "area_noun": noun, "_label": label}

    def floor_words(self, f: Floor) -> dict[str, str]:
        names = f.names()
        label = names[0] if len(names) == 1 or self.chance(0.7) else self.choice(names[1:])
        spoken = self.casing(label, 0.85)
        key = norm(label)
        if key in {"upstairs", "downstairs"}:
            on_floor = spoken
        elif "floor" in key or "level" in key or "story" in key:
            on_floor = f"{self.choice(('on', 'on', 'on', 'in'))} the {spoken}"
        else:
            on_floor = f"{self.choice(('in', 'in', 'on'))} the {spoken}"
        return {"floor": spoken, "on_floor": on_floor, "_label": label}

    def here(self, implicit: float = 0.35) -> str:
        if self.chance(implicit):
            return ""
        return self.pick(
            (("in here", 5), ("here", 1.5), ("in this room", 2.5), ("in the room", 1),
             ("in this area", 0.4), ("where I am", 0.5), ("in here with me", 0.3))
        )  # fmt: skip

    def percent(self, value: int, bare: float = 0.1) -> str:
        style = self.pick(
            (("%", 4), (" percent", 3.5), ("words", 1.5), ("bare", bare * 10), (" per cent", 0.3))
        )
        if style == "words":
            return number_words(value, self.chance(0.3)) + " percent"
        if style == "bare":
            return str(value)
        return f"{value}{style}"

    def number(self, value: int, words: float = 0.25) -> str:
        return number_words(value, self.chance(0.3)) if self.chance(words) else str(value)

    def context(self, area: Area | None = None) -> dict[str, Any]:
        a = area if area is not None else self.choice(self.areas)
        return {"area": a.name}

    def maybe_context(self, p: float = 0.25) -> dict[str, Any] | None:
        return self.context() if self.areas and self.chance(p) else None

    def area_of(self, e: Entity) -> Area | None:
        return self.w.areas.get(e.area_id or "")

    def areas_with(self, keep: Callable[[Entity], bool]) -> list[Area]:
        ids = {e.area_id for e in self.w.entities.values() if e.area_id and keep(e)}
        return [a for a in self.areas if a.id in ids]

    def floors_with(self, keep: Callable[[Entity], bool]) -> list[Floor]:
        ids = {self.w.floor_id_of(e) for e in self.w.entities.values() if keep(e)}
        return [f for f in self.floors if f.id in ids]

    def ents(self, *domains: str) -> list[Entity]:
        return [e for d in domains for e in self.dom.get(d, [])]

    # -- devices on and off --------------------------------------------------------------------
    def _HassTurnOn(self) -> _Draft | None:
        return self._on_off(True)

    def _HassTurnOff(self) -> _Draft | None:
        return self._on_off(False)

    def _on_off(self, on: bool) -> _Draft | None:
        frames: list[tuple[Callable[[bool], _Draft | None], float]] = [
            (self._switch_by_name, 26), (self._cover_by_name, 5), (self._lock_by_name, 5),
            (self._valve_by_name, 1.5), (self._scene_or_script, 5 if on else 2.5),
            (self._group_in_area, 19), (self._group_here, 14), (self._group_on_floor, 10),
            (self._group_everywhere, 8), (self._covers_by_kind, 9), (self._locks_all, 3),
            (self._name_in_area, 3),
        ]  # fmt: skip
        for _ in range(8):
            draft = self.pick(frames)(on)
            if draft is not None:
                return draft
        return None

    _ON = ("(turn|switch|power) on [the] {n}", "(turn|switch) [the] {n} on", "{n} on", "(activate|enable) [the] {n}",
           "I (want|need) [the] {n} (on|turned on|switched on)", "make sure [the] {n} is (on|turned on)",
           "(put|flip) [the] {n} on", "get [the] {n} (on|going)")  # fmt: skip
    _OFF = ("(turn|switch|power) off [the] {n}", "(turn|switch) [the] {n} off", "{n} off", "(deactivate|disable) [the] {n}",
            "shut [the] {n} off", "shut off [the] {n}", "I (want|need) [the] {n} (off|turned off|switched off)",
            "make sure [the] {n} is (off|turned off)", "kill [the] {n}", "flip [the] {n} off")  # fmt: skip

    def _switch_by_name(self, on: bool) -> _Draft | None:
        pool = self.ents("light", "switch", "fan", "input_boolean", "media_player", "humidifier",
                         "siren", "automation")  # fmt: skip
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e, self.light_suffix(e))
        t = self.choice(self._ON if on else self._OFF)
        if e.domain == "light" and self.chance(0.15):
            t = "(light up|illuminate) [the] {n}" if on else "turn out [the] {n}"
        if e.domain in {"fan", "media_player"} and self.chance(0.2):
            t = "start [the] {n}" if on else "stop [the] {n}"
        text = self.wrap(self.say(t, n=n))
        return _Draft(_tool(on), {"name": label}, text, self.maybe_context(0.2))

    def _cover_by_name(self, on: bool) -> _Draft | None:
        pool = self.ents("cover")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        if on:
            ts = [
                "open [up] [the] {n}",
                "(raise|lift) [the] {n}",
                "pull [the] {n} (open|up)",
                "(get|make) [the] {n} open",
                "{n} open",
                "I want [the] {n} open",
            ]
        else:
            ts = [
                "close [the] {n}",
                "shut [the] {n}",
                "lower [the] {n}",
                "pull [the] {n} (closed|shut|down)",
                "{n} (closed|shut)",
                "I want [the] {n} (closed|shut)",
                "close [the] {n} (all the way)",
            ]
        text = self.wrap(self.say(ts, n=n))
        return _Draft(_tool(on), {"name": label}, text, self.maybe_context(0.2))

    def _lock_by_name(self, on: bool) -> _Draft | None:
        pool = self.ents("lock")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        if on:
            ts = [
                "lock [the] {n}",
                "lock up [the] {n}",
                "(secure|bolt) [the] {n}",
                "make sure [the] {n} is locked",
                "lock [the] {n} (for the night|now)",
                "(set|put) [the] {n} to locked",
                "{n}, lock it",
                "engage the lock on [the] {n}",
            ]
        else:
            ts = [
                "unlock [the] {n}",
                "unbolt [the] {n}",
                "(release|open) the lock on [the] {n}",
                "unlock [the] {n} (for me|so I can get in)",
                "(set|put) [the] {n} to unlocked",
                "disengage the lock on [the] {n}",
                "let me in through [the] {n}",
            ]
        text = self.wrap(self.say(ts, n=n))
        return _Draft(_tool(on), {"name": label}, text, self.maybe_context(0.2))

    def _valve_by_name(self, on: bool) -> _Draft | None:
        pool = self.ents("valve")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        ts = (["open [up] [the] {n}", "open [the] {n} (all the way|fully)"] if on else
              ["close [the] {n}", "shut [off] [the] {n}", "close off [the] {n}"])  # fmt: skip
        text = self.wrap(self.say(ts, n=n))
        return _Draft(_tool(on), {"name": label, "domain": "valve"}, text)

    def _scene_or_script(self, on: bool) -> _Draft | None:
        pool = self.ents("scene", "script") if on else self.ents("script")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        if e.domain == "scene":
            ts = [
                "activate [the] {n} scene",
                "(turn on|start|enable) [the] {n} scene",
                "(activate|turn on|enable) {n}",
                "{n} on",
                "(switch|change) to {n}",
                "scene {n}",
                "set the (scene|mood) to {n}",
                "(go|switch) into {n}",
                "I want {n}",
                "let's do {n}",
                "put on [the] {n} scene",
            ]
        elif on:
            ts = [
                "run [the] {n} [script]",
                "(start|execute|launch|trigger) [the] {n} [script]",
                "(turn on|activate) [the] {n} script",
                "{n} script (on|go)",
                "kick off [the] {n} [script]",
                "run the script (called|named) {n}",
            ]
        else:
            ts = [
                "stop [the] {n} [script]",
                "(turn off|deactivate|cancel) [the] {n} script",
                "{n} script off",
                "halt [the] {n} script",
            ]
        text = self.wrap(self.say(ts, n=n))
        return _Draft(_tool(on), {"name": label, "domain": e.domain}, text)

    def _group_domain(self, where: Callable[[Entity], bool] | None = None) -> str | None:
        options = [d for d in _DOMAIN_NOUNS if any(where is None or where(e) for e in self.ents(d))]
        if not options:
            return None
        weights = {"light": 8.0, "fan": 1.5, "switch": 1.0}
        return str(self.pick([(d, weights.get(d, 1.0)) for d in options]))

    def _group_words(self, domain: str, mass: bool = True) -> dict[str, str]:
        """Nouns for a kind of device: ``d`` plural (or "lighting" when ``mass``), ``d1``
        singular, ``are`` the verb that agrees with ``d``."""
        sing, plur = _DOMAIN_NOUNS[domain]
        d = self.choice([p for p in plur if mass or p != "lighting"])
        return {"d": d, "d1": self.choice(sing), "are": "is" if d == "lighting" else "are"}

    def _group_in_area(self, on: bool) -> _Draft | None:
        areas = self.areas_with(lambda e: e.domain in _DOMAIN_NOUNS)
        if not areas:
            return None
        a = self.choice(areas)
        domain = self._group_domain(lambda e: e.area_id == a.id)
        if domain is None:
            return None
        aw = self.area_words(a)
        v = "on" if on else "off"
        ts = [
            "(turn|switch) " + v + " [all] [the] {d} {in_area}",
            "(turn|switch) [all] [the] {d} {in_area} " + v,
            "(turn|switch) " + v + " [all] [the] {area} {d}",
            "(turn|switch) [all] [the] {area} {d} " + v,
            "{area} {d} " + v,
            "{d} " + v + " {in_area}",
            "(turn|switch) " + v + " the {d1} {in_area}",
            "I (want|need) [all] the {d} {in_area} " + v,
            "(put|get) the {d} " + v + " {in_area}",
            "make sure the {d} {in_area} {are} " + v,
            "can (we|I) (get|have) the {area} {d} " + v,
            ("(activate|power up) [the] {d} {in_area}" if on else "(deactivate|kill|cut) [the] {d} {in_area}"),
        ]  # fmt: skip
        if domain == "light":
            ts.append("light up {area_noun}" if on else "(darken|make it dark in) {area_noun}")
        words = self._group_words(domain)
        named = {n.lower() for n in self.w.vocabulary()["name"]}
        if f"{aw['area']} {words['d1']}".lower() not in named:
            # "the kitchen light" names no entity here, so it means the kitchen's lights (as in HA)
            ts += [
                "(turn|switch) " + v + " [the] {area} {d1}",
                "(turn|switch) [the] {area} {d1} " + v,
                "{area} {d1} " + v,
            ]
        text = self.wrap(self.say(ts, **words, **aw))
        ctx = self.maybe_context(0.25)
        return _Draft(_tool(on), {"area": aw["_label"], "domain": domain}, text, ctx)

    def _group_here(self, on: bool) -> _Draft | None:
        areas = self.areas_with(lambda e: e.domain in _DOMAIN_NOUNS)
        if not areas:
            return None
        a = self.choice(areas)
        domain = self._group_domain(lambda e: e.area_id == a.id)
        if domain is None:
            return None
        v = "on" if on else "off"
        ts = [
            "(turn|switch) " + v + " [all] [the] {d} {here}",
            "(turn|switch) [all] [the] {d} " + v + " {here}",
            "(turn|switch) [all] [the] {d} {here} " + v,
            "{d} " + v + " {here}",
            "(turn|switch) " + v + " (my|our) {d} {here}",
            "(put|get) the {d} " + v + " {here}",
            "(turn|switch) " + v + " the {d1} {here}",
            ("(activate|power up) [the] {d} {here}" if on else "(deactivate|kill|cut) [the] {d} {here}"),
        ]  # fmt: skip
        if domain == "light":
            ts += (["(it's too dark|it's dark) {here}, (turn|switch) on the lights", "light up (this room|the room|in here)"] if on
                   else ["(it's too bright|too bright) {here}, (turn|switch) off the lights", "lights out {here}"])  # fmt: skip
        text = self.wrap(self.say(ts, here=self.here(), **self._group_words(domain)))
        return _Draft(_tool(on), {"area": a.name, "domain": domain}, text, self.context(a))

    def _group_on_floor(self, on: bool) -> _Draft | None:
        floors = self.floors_with(lambda e: e.domain in _DOMAIN_NOUNS)
        if not floors:
            return None
        f = self.choice(floors)
        domain = self._group_domain(lambda e: self.w.floor_id_of(e) == f.id)
        if domain is None:
            return None
        fw = self.floor_words(f)
        v = "on" if on else "off"
        ts = [
            "(turn|switch) " + v + " [all] [the] {d} {on_floor}",
            "(turn|switch) [all] [the] {d} {on_floor} " + v,
            "(turn|switch) " + v + " [all] [the] {floor} {d}",
            "{floor} {d} " + v,
            "{d} " + v + " {on_floor}",
            "(turn|switch) " + v + " every {d1} {on_floor}",
            "I (want|need) [all] the {d} {on_floor} " + v,
            ("(activate|power up) [the] {d} {on_floor}" if on else "(deactivate|kill|cut) [the] {d} {on_floor}"),
        ]  # fmt: skip
        text = self.wrap(self.say(ts, **self._group_words(domain), **fw))
        ctx = self.maybe_context(0.2)
        return _Draft(_tool(on), {"floor": fw["_label"], "domain": domain}, text, ctx)

    def _group_everywhere(self, on: bool) -> _Draft | None:
        domain = self._group_domain()
        if domain is None:
            return None
        v = "on" if on else "off"
        ts = [
            "(turn|switch) " + v + " all [of] the {d}",
            "(turn|switch) all [of] the {d} " + v,
            "(turn|switch) " + v + " every {d1} [in the (house|home)]",
            "(turn|switch) " + v + " [all] [the] {d} (everywhere|in the whole (house|home)|throughout the house|in every room|all over the house)",
            "(turn|switch) [all] the {d} " + v + " (everywhere|in the whole house|in every room)",
            "all [the] {d} " + v,
            "every {d1} " + v,
            "(turn|switch) " + v + " [all] the {d} in the (house|home|apartment)",
            "make sure every {d1} in the house is " + v,
        ]  # fmt: skip
        text = self.wrap(self.say(ts, **self._group_words(domain)))
        place = re.search(r"house|home|everywhere|every room|apartment", text)
        ctx = self.maybe_context(0.35) if place else None
        return _Draft(_tool(on), {"domain": domain}, text, ctx)

    def _cover_kind_words(self, device_class: str) -> dict[str, str]:
        sing, plur = _COVER_NOUNS.get(device_class, ((device_class,), (device_class + "s",)))
        return {"c": self.choice(plur), "c1": self.choice(sing)}

    def _cover_verbs(self, on: bool, device_class: str) -> str:
        if on:
            extra = "|raise|lift|pull up" if device_class in _RAISABLE else ""
            return "(open|open up|open" + extra + ")"
        extra = "|lower|pull down" if device_class in _RAISABLE else ""
        return "(close|shut|close" + extra + ")"

    def _covers_by_kind(self, on: bool) -> _Draft | None:
        if not self.ents("cover"):  # "cover" must be a domain the home knows
            return None
        covers = [e for e in self.ents("cover") if e.device_class]
        mode = self.pick((("area", 5), ("here", 4), ("floor", 1.2), ("house", 1.5)))
        real = bool(covers) and self.chance(0.82)
        area: Area | None = None
        floor: Floor | None = None
        if real:
            e = self.choice(covers)
            device_class = str(e.device_class)
            area = self.area_of(e)
            floor = self.w.floors.get(self.w.floor_id_of(e) or "")
        else:  # a kind the home may lack: still a cover request
            device_class = self.choice(_COMMON_COVER_CLASSES)
            area = self.choice(self.areas) if self.areas else None
            floor = self.choice(self.floors) if self.floors else None
            if mode == "house":
                device_class = self.choice(("garage", "gate", *_COMMON_COVER_CLASSES))
        verb = self._cover_verbs(on, device_class)
        kind = self._cover_kind_words(device_class)
        args: dict[str, Any] = {}
        ctx: dict[str, Any] | None = None
        if mode in {"area", "here"} and area is None:
            mode = "house"
        if mode == "floor" and floor is None:
            mode = "house"
        if mode == "area" and area is not None:
            aw = self.area_words(area)
            ts = [
                verb + " [all] [the] {c} {in_area}",
                verb + " [all] [the] {area} {c}",
                "{area} {c} " + ("open" if on else "(closed|shut)"),
                "I want the {c} {in_area} " + ("open" if on else "(closed|shut)"),
            ]
            text = self.wrap(self.say(ts, **kind, **aw))
            args["area"] = aw["_label"]
            ctx = self.maybe_context(0.2)
        elif mode == "here" and area is not None:
            ts = [
                verb + " [all] [the] {c} {here}",
                verb + " (the|my|our) {c} {here}",
                "{c} " + ("open" if on else "(closed|shut)") + " {here}",
            ]
            text = self.wrap(self.say(ts, here=self.here(0.4), **kind))
            args["area"] = area.name
            ctx = self.context(area)
        elif mode == "floor" and floor is not None:
            fw = self.floor_words(floor)
            ts = [verb + " [all] [the] {c} {on_floor}", verb + " [all] the {floor} {c}"]
            text = self.wrap(self.say(ts, **kind, **fw))
            args["floor"] = fw["_label"]
        else:
            if device_class in {"garage", "gate"}:
                ts = [verb + " the {c1}", verb + " [all] the {c}"]
            else:
                ts = [
                    verb + " all [of] the {c}",
                    verb + " every {c1} [in the house]",
                    verb + " [all] the {c} (everywhere|in the whole house|throughout the house)",
                ]
            text = self.wrap(self.say(ts, **kind))
        args.update({"domain": "cover", "device_class": device_class})
        return _Draft(_tool(on), _ordered(args), text, ctx)

    def _locks_all(self, on: bool) -> _Draft | None:
        locks = self.ents("lock")
        if not locks:
            return None
        verb = "lock" if on else "unlock"
        areas = self.areas_with(lambda e: e.domain == "lock")
        if areas and self.chance(0.5):
            a = self.choice(areas)
            aw = self.area_words(a)
            ts = [
                verb + " [all] [the] doors {in_area}",
                verb + " [all] [the] locks {in_area}",
                verb + " [all] the {area} door[s]",
                verb + " every door {in_area}",
                verb + " [the] door {in_area}",
            ]
            text = self.wrap(self.say(ts, **aw))
            return _Draft(_tool(on), {"area": aw["_label"], "domain": "lock", "name": "all"}, text)
        ts = [verb + " all [of] the doors", verb + " all [the] locks", verb + " every door [in the house]",
              verb + " [all] the doors (everywhere|in the house|around the house)",
              verb + " every lock in the (house|home)"]  # fmt: skip
        if on:
            ts.append("lock up (every door|all the doors) for the night")
        text = self.wrap(self.say(ts))
        return _Draft(_tool(on), {"domain": "lock", "name": "all"}, text, self.maybe_context(0.2))

    def _name_in_area(self, on: bool) -> _Draft | None:
        pool = [e for e in self.ents("light", "switch", "fan", "cover") if self.area_of(e)]
        if not pool:
            return None
        e = self.choice(pool)
        area = self.area_of(e)
        assert area is not None
        n, label = self.entity_words(e, self.light_suffix(e))
        aw = self.area_words(area)
        if e.domain == "cover":
            ts = [("open" if on else "close") + " [the] {n} {in_area}"]
        else:
            v = "on" if on else "off"
            ts = ["(turn|switch) " + v + " [the] {n} {in_area}", "(turn|switch) [the] {n} {in_area} " + v,
                  "{in_area}, (turn|switch) " + v + " [the] {n}"]  # fmt: skip
        text = self.wrap(self.say(ts, n=n, **aw))
        return _Draft(
            _tool(on), {"name": label, "area": aw["_label"]}, text, self.maybe_context(0.2)
        )

    # -- questions about state -----------------------------------------------------------------
    def _HassGetState(self) -> _Draft | None:
        frames: list[tuple[Callable[[], _Draft | None], float]] = [
            (self._state_switch_name, 10), (self._state_group, 11), (self._state_lock_name, 5),
            (self._state_locks, 4), (self._state_cover_name, 4), (self._state_covers, 3),
            (self._state_binary_name, 14), (self._state_binary_kind, 11),
            (self._state_sensor, 14), (self._state_plain_sensor, 1.5), (self._state_person, 4),
        ]  # fmt: skip
        for _ in range(8):
            draft = self.pick(frames)()
            if draft is not None:
                return draft
        return None

    def _ask(self, templates: Sequence[str] | str, **slots: str) -> str:
        return self.wrap(self.say(templates, **slots), "ask")

    def _state_switch_name(self) -> _Draft | None:
        pool = self.ents("light", "switch", "fan", "input_boolean")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e, self.light_suffix(e))
        state = self.choice(("on", "off"))
        ts = ["is [the] {n} {s}", "is [the] {n} (turned|switched) {s}", "is [the] {n} still {s}",
              "(check|tell me) (if|whether) [the] {n} is {s}",
              "is [the] {n} currently {s}"]  # fmt: skip
        if state == "on":
            ts.append("did (I|someone|we) leave [the] {n} on")
            if e.domain in {"light", "fan"}:
                ts.append("is [the] {n} " + ("lit" if e.domain == "light" else "running"))
        text = self._ask(ts, n=n, s=state)
        return _Draft(
            "HassGetState", {"name": label, "state": state}, text, self.maybe_context(0.15)
        )

    def _state_group(self) -> _Draft | None:
        domain = self._group_domain()
        if domain is None:
            return None
        state = self.pick((("on", 3), ("off", 1.2)))
        kw = self._group_words(domain, mass=False)
        args: dict[str, Any] = {}
        mode = self.pick((("house", 4), ("area", 3), ("floor", 2)))
        where = ""
        if mode == "area":
            areas = self.areas_with(lambda e: e.domain == domain)
            if areas:
                aw = self.area_words(self.choice(areas))
                where, args["area"] = aw["in_area"], aw["_label"]
        elif mode == "floor":
            floors = self.floors_with(lambda e: e.domain == domain)
            if floors:
                fw = self.floor_words(self.choice(floors))
                where, args["floor"] = fw["on_floor"], fw["_label"]
        if not where and self.chance(0.3):
            where = self.choice(
                ("in the house", "at home", "right now", "anywhere", "at the moment")
            )
        ts = ["are (there) any {d} {s} {w}", "which {d} are {s} {w}", "(what|which) {d} are still {s} {w}",
              "how many {d} are {s} {w}", "are all [of] the {d} {s} {w}", "is (a|any) {d1} (left) {s} {w}",
              "(did|have) (I|we) (left|leave) any {d} {s} {w}", "tell me which {d} are {s} {w}",
              "(list|name) the {d} that are {s} {w}", "(what|which) {d} (are|have been) left {s} {w}"]  # fmt: skip
        text = self._ask(ts, s=state, w=where, **kw)
        args.update({"domain": domain, "state": state})
        return _Draft("HassGetState", _ordered(args), text)

    def _state_lock_name(self) -> _Draft | None:
        pool = self.ents("lock")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        be = _be(label)
        if self.chance(0.25):
            ts = ["what's the (status|state) of [the] {n} [lock]", "{be} [the] {n} locked or unlocked",
                  "check the lock on [the] {n}", "what state {be} [the] {n} in"]  # fmt: skip
            text = self._ask(ts, n=n, be=be)
            return _Draft("HassGetState", {"name": label, "domain": "lock"}, text)
        state = self.choice(("locked", "unlocked"))
        ts = ["{be} [the] {n} {s}", "{be} [the] {n} (still|currently) {s}", "(check|tell me) (if|whether) [the] {n} {be} {s}",
              "did (I|someone|we) leave [the] {n} {s}" if state == "unlocked" else "did (I|someone|we) lock [the] {n}"]  # fmt: skip
        text = self._ask(ts, n=n, s=state, be=be)
        return _Draft("HassGetState", {"name": label, "domain": "lock", "state": state}, text)

    def _state_locks(self) -> _Draft | None:
        if not self.ents("lock"):
            return None
        state = self.choice(("locked", "unlocked"))
        args: dict[str, Any] = {}
        where = ""
        areas = self.areas_with(lambda e: e.domain == "lock")
        if areas and self.chance(0.25):
            aw = self.area_words(self.choice(areas))
            where, args["area"] = aw["in_area"], aw["_label"]
        elif self.chance(0.3):
            where = self.choice(("in the house", "right now", "at the moment", "tonight"))
        ts = ["are (there) any doors {s} {w}", "is there a door {s} {w}", "which doors are {s} {w}", "are all [of] the doors {s} {w}",
              "how many (doors|locks) are {s} {w}", "is any lock {s} {w}", "are any locks {s} {w}",
              "(did|have) (I|we) (leave|left) any doors {s} {w}", "(which|what) locks are {s} {w}",
              "is every door {s} {w}"]  # fmt: skip
        text = self._ask(ts, s=state, w=where)
        args.update({"domain": "lock", "state": state})
        return _Draft("HassGetState", _ordered(args), text)

    def _state_cover_name(self) -> _Draft | None:
        pool = self.ents("cover")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        if self.chance(0.2):
            ts = [
                "what's the (status|state) of [the] {n}",
                "{be} [the] {n} open or closed",
                "what state {be} [the] {n} in",
            ]
            text = self._ask(ts, n=n, be=_be(label))
            return _Draft("HassGetState", {"name": label, "domain": "cover"}, text)
        state = self.choice(("open", "closed"))
        word = state if state == "open" else self.choice(("closed", "closed", "shut"))
        ts = [
            "{be} [the] {n} {s}",
            "{be} [the] {n} (still|currently) {s}",
            "(check|tell me) (if|whether) [the] {n} {be} {s}",
        ]
        if state == "open":
            ts.append("did (I|someone|we) leave [the] {n} open")
        text = self._ask(ts, n=n, s=word, be=_be(label))
        return _Draft("HassGetState", {"name": label, "state": state}, text)

    def _state_covers(self) -> _Draft | None:
        covers = [e for e in self.ents("cover") if e.device_class and self.area_of(e)]
        if not covers:
            return None
        e = self.choice(covers)
        device_class = str(e.device_class)
        kind = self._cover_kind_words(device_class)
        state = self.choice(("open", "closed"))
        word = state if state == "open" else self.choice(("closed", "shut"))
        args: dict[str, Any] = {}
        where = ""
        area = self.area_of(e)
        if area is not None and self.chance(0.6):
            aw = self.area_words(area)
            where, args["area"] = aw["in_area"], aw["_label"]
        ts = ["are (there) any {c} {s} {w}", "which {c} are {s} {w}", "are [all] the {c} {s} {w}",
              "how many {c} are {s} {w}", "is (a|any) {c1} {s} {w}"]  # fmt: skip
        text = self._ask(ts, s=word, w=where, **kind)
        args.update({"domain": "cover", "device_class": device_class, "state": state})
        return _Draft("HassGetState", _ordered(args), text)

    def _binary_pool(self) -> list[Entity]:
        return [e for e in self.ents("binary_sensor") if e.device_class in _BINARY]

    def _state_binary_name(self) -> _Draft | None:
        pool = [
            e
            for e in self._binary_pool()
            if _BINARY[str(e.device_class)].named_on or _BINARY[str(e.device_class)].named_off
        ]
        if not pool:
            return None
        e = self.choice(pool)
        spec = _BINARY[str(e.device_class)]
        n, label = self.entity_words(e)
        on = bool(spec.named_on) and (not spec.named_off or self.chance(0.6))
        ts = spec.named_on if on else spec.named_off
        text = self._ask(ts, n=n, be=_be(label))
        args: dict[str, Any] = {"name": label}
        area = self.area_of(e)
        if area is not None and self.chance(0.15):
            aw = self.area_words(area)
            text = self._ask([t + " {in_area}" for t in ts], n=n, be=_be(label), **aw)
            args["area"] = aw["_label"]
        args.update({"domain": "binary_sensor", "device_class": e.device_class,
                     "state": "on" if on else "off"})  # fmt: skip
        return _Draft("HassGetState", _ordered(args), text)

    def _state_binary_kind(self) -> _Draft | None:
        pool = [
            e
            for e in self._binary_pool()
            if _BINARY[str(e.device_class)].any_on or _BINARY[str(e.device_class)].any_off
        ]
        cover_classes = {e.device_class for e in self.ents("cover")}
        pool = [e for e in pool if e.device_class not in cover_classes]  # "windows": covers
        if not pool:
            return None
        e = self.choice(pool)
        device_class = str(e.device_class)
        spec = _BINARY[device_class]
        on = bool(spec.any_on) and (not spec.any_off or self.chance(0.7))
        ts = spec.any_on if on else spec.any_off
        args: dict[str, Any] = {}
        area = self.area_of(e)
        needs_place = any("{where_noun}" in t for t in ts)
        if area is not None and (needs_place or self.chance(0.45)):
            aw = self.area_words(area)
            where, noun = aw["in_area"], aw["area_noun"]
            args["area"] = aw["_label"]
        elif needs_place:
            return None
        else:
            where = self.choice(
                ("", "", "", "anywhere", "in the house", "right now", "at the moment")
            )
            noun = ""
        text = self._ask(ts, where=where, where_noun=noun)
        args.update({"domain": "binary_sensor", "device_class": device_class,
                     "state": "on" if on else "off"})  # fmt: skip
        return _Draft("HassGetState", _ordered(args), text)

    def _state_sensor(self) -> _Draft | None:
        pool = [e for e in self.ents("sensor") if e.device_class in _SENSOR_NOUNS]
        if not pool:
            return None
        e = self.choice(pool)
        device_class = str(e.device_class)
        n, label = self.entity_words(e)
        the_n = n if norm(n).startswith(("my ", "our ")) or self.chance(0.25) else f"the {n}"
        nouns = _SENSOR_NOUNS[device_class]
        said = next((x for x in nouns if x.lower() in norm(label)), None)
        if said is not None and self.chance(0.6):
            ts = ["what('s| is) {tn} [right now|at the moment|currently]", "(read|check) {tn}",
                  "tell me {tn}", "what does {tn} (say|read|show)", "(how much|what) is {tn} (reading|showing)",
                  "give me {tn}"]  # fmt: skip
            text = self._ask(ts, tn=the_n)
        else:
            ts = ["what('s| is) the {x} (of|on|from|for) {tn}", "what('s| is) the {x} (measured|reported) by {tn}",
                  "what {x} (is|does) {tn} (reporting|showing|reading|report|show|read)",
                  "tell me the {x} (of|from|on) {tn}", "(check|read) the {x} (on|from) {tn}",
                  "what('s| is) the current {x} (on|of|from) {tn}", "how (high|much) is the {x} (on|of) {tn}",
                  "what (reading|value) does {tn} give for {x}"]  # fmt: skip
            if said is None:
                ts.append("{tn} {x}?")
            if device_class == "battery":
                ts += ["how much battery (does|is) {tn} (have|at)", "how charged is {tn}"]
            if device_class == "temperature":
                ts += ["how (hot|warm|cold) is {tn}", "what temperature is {tn} at"]
            if device_class in {"humidity", "moisture"}:
                ts += ["how (humid|damp|wet) is it according to {tn}"]
            text = self._ask(ts, tn=the_n, x=self.choice(nouns))
        args = {"name": label, "domain": "sensor", "device_class": device_class}
        return _Draft("HassGetState", args, text)

    def _state_plain_sensor(self) -> _Draft | None:
        pool = [e for e in self.ents("sensor") if not e.device_class]
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        ts = ["what('s| is) the (value|reading|state) of [the] {n}", "what('s| is) the {n} [right now|currently]",
              "what does [the] {n} (say|read|show)", "(read|check) [the] {n} [for me]",
              "tell me the {n} [value|reading]", "give me the {n} reading"]  # fmt: skip
        return _Draft("HassGetState", {"name": label}, self._ask(ts, n=n))

    def _state_person(self) -> _Draft | None:
        people = self.ents("person")
        if not people:
            return None
        e = self.choice(people)
        n = e.name if self.chance(0.8) else e.name.lower()
        mode = self.pick((("where", 4), ("home", 3), ("who", 1.5)))
        if mode == "where":
            ts = [
                "where is {n}",
                "where's {n} [right now|at the moment]",
                "(do you know|tell me) where {n} is",
                "is {n} (around|here|out)",
                "what's {n}'s (location|status)",
                "where is {n} (now|currently)",
            ]
            return _Draft("HassGetState", {"name": e.name, "domain": "person"}, self._ask(ts, n=n))
        if mode == "home" and "home" in self.states:
            ts = [
                "is {n} (home|at home|back home|in the house)",
                "has {n} (come|gotten|got) home [yet]",
                "is {n} home (yet|right now|already)",
                "did {n} (get|make it) home",
            ]
            return _Draft("HassGetState", {"name": e.name, "domain": "person", "state": "home"},
                          self._ask(ts, n=n))  # fmt: skip
        ts = [
            "who('s| is) (home|at home) [right now]",
            "is (anyone|anybody|somebody) (home|at home)",
            "who is in the house [right now]",
            "(which|how many) people are (home|at home)",
        ]
        return _Draft("HassGetState", {"domain": "person", "state": "home"}, self._ask(ts))

    # -- lights, covers, climate, fans, vacuums ------------------------------------------------
    def _brightness(self) -> tuple[int, str | None]:
        """A brightness and, for the extremes, a phrase instead of a number."""
        if self.chance(0.1):
            return 100, self.choice(
                (
                    "full brightness",
                    "maximum brightness",
                    "max brightness",
                    "the brightest setting",
                    "100 percent brightness",
                )
            )
        if self.chance(0.05):
            return 1, self.choice(
                (
                    "minimum brightness",
                    "the lowest brightness",
                    "the dimmest setting",
                    "lowest setting",
                )
            )
        value = self.choice(
            (10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 100, 5, 15, 35, 45, 55, 65, 85, 95)
        )
        if self.chance(0.2):
            value = self.r.randint(1, 100)
        return value, None

    def _HassLightSet(self) -> _Draft | None:
        lights = self.ents("light")
        if not lights:
            return None
        mode = self.pick((("name", 10), ("area", 8), ("here", 6), ("floor", 2.5)))
        by_color = self.chance(0.38)
        value, extreme = self._brightness()
        color = self.choice(_COLORS)
        p = extreme if extreme else self.percent(value)
        args: dict[str, Any] = {}
        ctx: dict[str, Any] | None = None
        if mode == "name":
            e = self.choice(lights)
            n, label = self.entity_words(e, self.light_suffix(e))
            if by_color:
                ts = ["(turn|make|set|change) [the] {n} {col}", "set [the] {n} (color|colour) to {col}",
                      "change [the] {n} to {col}", "(make|turn) [the] {n} (glow|shine) {col}",
                      "{n} {col}", "I want [the] {n} [to be] {col}", "change the (color|colour) of [the] {n} to {col}",
                      "switch [the] {n} to {col}"]  # fmt: skip
            elif extreme:
                ts = [
                    "set [the] {n} to {p}",
                    "(put|turn) [the] {n} (to|at|on) {p}",
                    "{n} (to|at) {p}",
                    "change [the] {n} to {p}",
                ]
            else:
                ts = ["set [the] {n} (brightness|brightness level) to {p}", "(dim|brighten|adjust) [the] {n} to {p}",
                      "set [the] {n} to {p} [brightness]", "{n} (to|at) {p}", "change the brightness of [the] {n} to {p}",
                      "turn [the] {n} (up|down) to {p}", "put [the] {n} (at|on) {p} [brightness]",
                      "make [the] {n} {p} bright", "{n} brightness {p}"]  # fmt: skip
            text = self.wrap(self.say(ts, n=n, col=color, p=p))
            args["name"] = label
            ctx = self.maybe_context(0.2)
        elif mode in {"area", "floor"}:
            if mode == "area":
                areas = self.areas_with(lambda e: e.domain == "light")
                pw = self.area_words(self.choice(areas))
                place, where = pw["area"], pw["in_area"]
                args["area"] = pw["_label"]
            else:
                floors = self.floors_with(lambda e: e.domain == "light")
                if not floors:
                    return None
                pw = self.floor_words(self.choice(floors))
                place, where = pw["floor"], pw["on_floor"]
                args["floor"] = pw["_label"]
            if by_color:
                ts = ["set [all] the lights {w} to {col}", "(make|turn) [the] {a} [lights] {col}",
                      "change the (color|colour) of [all] the lights {w} to {col}", "(turn|make) the lights {w} {col}",
                      "{a} lights {col}", "I want the {a} lights {col}", "set the {a} (lights|lighting) to {col}"]  # fmt: skip
            else:
                ts = ["set [the] {a} (lights|lighting|brightness) to {p}", "(dim|brighten) [the] lights {w} to {p}",
                      "(dim|brighten) the {a} [lights] to {p}", "set [the] (brightness|lights) {w} to {p}",
                      "{a} [lights] (to|at) {p}", "change the brightness {w} to {p}",
                      "(turn|bring) the lights {w} (up|down) to {p}", "make the {a} lights {p} [bright]"]  # fmt: skip
            text = self.wrap(self.say(ts, a=place, w=where, col=color, p=p))
            ctx = self.maybe_context(0.2)
        else:
            areas = self.areas_with(lambda e: e.domain == "light")
            a = self.choice(areas)
            if by_color:
                ts = ["(set|turn|make) the lights {h} {col}", "(set|change) the lights {h} to {col}",
                      "lights {col} {h}", "change the (color|colour) {h} to {col}", "make it {col} {h}",
                      "I want {col} light[s] {h}", "(switch|change) the light color to {col} {h}"]  # fmt: skip
            else:
                ts = ["set the (lights|brightness) {h} to {p}", "(dim|brighten) the lights {h} to {p}",
                      "brightness (to|at) {p} {h}", "(dim|brighten) [it] {h} to {p}", "lights (to|at) {p} {h}",
                      "change the brightness {h} to {p}", "(turn|bring) the lights (up|down) to {p} {h}",
                      "make it {p} bright {h}"]  # fmt: skip
            text = self.wrap(self.say(ts, h=self.here(0.45), col=color, p=p))
            args["area"] = a.name
            ctx = self.context(a)
        args["color" if by_color else "brightness"] = color if by_color else value
        return _Draft("HassLightSet", args, text, ctx)

    def _position(self) -> tuple[int, str]:
        if self.chance(0.1):
            return 50, self.choice(("halfway", "half way", "half open"))
        value = self.choice((10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 15, 35, 45, 65, 85))
        return value, self.percent(value, bare=0.15)

    def _HassSetPosition(self) -> _Draft | None:
        covers = self.ents("cover", "valve")
        if not covers:
            return None
        value, p = self._position()
        kinds = [e for e in self.ents("cover") if e.device_class and self.area_of(e)]
        if kinds and self.chance(0.4):
            if p in {"halfway", "half way", "half open"}:
                p = self.percent(value)
            e = self.choice(kinds)
            device_class = str(e.device_class)
            area = self.area_of(e)
            assert area is not None
            kind = self._cover_kind_words(device_class)
            if self.chance(0.5):
                aw = self.area_words(area)
                ts = ["(set|open|move) [the] {c} {in_area} to {p}", "set the {area} {c} to {p}",
                      "(raise|lower|adjust) the {c} {in_area} to {p}", "{area} {c} (to|at) {p}",
                      "set the position of the {c} {in_area} to {p}"]  # fmt: skip
                text = self.wrap(self.say(ts, p=p, **kind, **aw))
                args: dict[str, Any] = {
                    "area": aw["_label"], "domain": "cover", "device_class": device_class
                }  # fmt: skip
                ctx = self.maybe_context(0.15)
            else:
                ts = [
                    "(set|open|move) the {c} {h} to {p}",
                    "(raise|lower|adjust) the {c} {h} to {p}",
                    "{c} (to|at) {p} {h}",
                    "(put|set) the {c} at {p} {h}",
                ]
                text = self.wrap(self.say(ts, p=p, h=self.here(0.5), **kind))
                args = {"area": area.name, "domain": "cover", "device_class": device_class}
                ctx = self.context(area)
            args["position"] = value
            return _Draft("HassSetPosition", args, text, ctx)
        e = self.choice(covers)
        n, label = self.entity_words(e)
        ts = ["set [the] {n} to {p}", "(open|raise) [the] {n} to {p}", "(lower|close) [the] {n} to {p}",
              "(move|put) [the] {n} to {p}", "{n} (to|at) {p}", "set [the] {n} position to {p}",
              "set the position of [the] {n} to {p}", "adjust [the] {n} to {p}"]  # fmt: skip
        if p in {"halfway", "half way", "half open"}:
            ts = [
                "(open|close|lower|raise) [the] {n} (halfway|half way)",
                "(set|put|leave) [the] {n} half open",
            ]
        text = self.wrap(self.say(ts, n=n, p=p))
        call = {"name": label, "domain": e.domain, "position": value}
        return _Draft("HassSetPosition", call, text, self.maybe_context(0.15))

    def _temperature(self) -> tuple[float | int, str]:
        if self.chance(0.22):
            value: float | int = self.r.randint(60, 78)
            unit = self.choice((" degrees", " degrees", "°", " degrees fahrenheit", ""))
        else:
            value = self.r.randint(15, 26)
            unit = self.choice((" degrees", " degrees", "°", " degrees celsius", " degrees C", ""))
        if self.chance(0.15):
            value = value + 0.5
        whole = int(value)
        if isinstance(value, float):
            spoken = self.pick(((f"{value}", 4), (number_words(whole) + " point five", 1),
                                (number_words(whole) + " and a half", 1)))  # fmt: skip
        else:
            spoken = self.number(whole, 0.25)
        return value, spoken + unit

    def _climate_places(self) -> tuple[list[Area], list[Floor]]:
        return (self.areas_with(lambda e: e.domain == "climate"),
                self.floors_with(lambda e: e.domain == "climate"))  # fmt: skip

    def _HassClimateSetTemperature(self) -> _Draft | None:
        climates = self.ents("climate")
        if not climates:
            return None
        value, t = self._temperature()
        areas, floors = self._climate_places()
        mode = self.pick((("here", 8), ("bare", 2.5), ("name", 6), ("area", 6), ("floor", 1.5)))
        args: dict[str, Any] = {}
        ctx: dict[str, Any] | None = None
        if mode in {"here", "bare"}:
            ts = ["set the (temperature|heat|heating|thermostat) to {t} {h}", "(make it|change the temperature to) {t} {h}",
                  "I want it [to be] {t} {h}", "turn the (heat|heating|thermostat|temperature) (up|down) to {t} {h}",
                  "(thermostat|temperature) to {t} {h}", "(warm|heat) (it|things|the room) up to {t}",
                  "cool (it|things|the room) down to {t}", "(set|adjust) the (climate|AC|air conditioning) to {t} {h}",
                  "can it be {t} {h}"]  # fmt: skip
            if mode == "here" and areas:
                a = self.choice(areas)
                text = self.wrap(self.say(ts, t=t, h=self.here(0.55)))
                args["area"] = a.name
                ctx = self.context(a)
            else:
                text = self.wrap(self.say(ts, t=t, h=""))
        elif mode == "name":
            e = self.choice(climates)
            n, label = self.entity_words(e)
            ts = ["set [the] {n} to {t}", "change [the] {n} to {t}", "set the temperature (on|of) [the] {n} to {t}",
                  "(turn|put) [the] {n} (up|down) to {t}", "{n} (to|at) {t}", "(adjust|program) [the] {n} (to|for) {t}"]  # fmt: skip
            text = self.wrap(self.say(ts, n=n, t=t))
            args["name"] = label
            ctx = self.maybe_context(0.2)
        elif mode == "area" and areas:
            aw = self.area_words(self.choice(areas))
            ts = ["set the {area} (temperature|thermostat|heating) to {t}", "make (it|the temperature) {t} {in_area}",
                  "(heat|warm up) {area_noun} to {t}", "set the temperature {in_area} to {t}", "cool {area_noun} (down) to {t}",
                  "{area} temperature (to|at) {t}", "I want {area_noun} at {t}"]  # fmt: skip
            text = self.wrap(self.say(ts, t=t, **aw))
            args["area"] = aw["_label"]
            ctx = self.maybe_context(0.2)
        elif floors:
            fw = self.floor_words(self.choice(floors))
            ts = ["set the temperature {on_floor} to {t}", "make it {t} {on_floor}", "set the {floor} (temperature|thermostat) to {t}",
                  "(heat|warm) (up) the {floor} to {t}"]  # fmt: skip
            text = self.wrap(self.say(ts, t=t, **fw))
            args["floor"] = fw["_label"]
        else:
            return None
        args["temperature"] = value
        return _Draft("HassClimateSetTemperature", args, text, ctx)

    def _HassClimateGetTemperature(self) -> _Draft | None:
        climates = self.ents("climate")
        if not climates:
            return None
        areas, floors = self._climate_places()
        mode = self.pick((("here", 8), ("bare", 2), ("area", 6), ("name", 3), ("floor", 1.5)))
        here_ts = ["what('s| is) the temperature {h}", "how (warm|cold|hot) is it {h}", "what temperature is it {h}",
                   "how many degrees is it {h}", "what('s| is) the (room|indoor|current) temperature {h}",
                   "(tell me|give me) the temperature {h}", "is it warm {h}", "(check|read) the temperature {h}"]  # fmt: skip
        if mode == "here" and areas:
            a = self.choice(areas)
            text = self.wrap(self.say(here_ts, h=self.here(0.5)), "ask")
            return _Draft("HassClimateGetTemperature", {"area": a.name}, text, self.context(a))
        if mode == "bare" or (mode == "here" and not areas):
            ts = [t.replace(" {h}", "") for t in here_ts] + ["what('s| is) the temperature inside",
                                                              "how warm is it inside"]  # fmt: skip
            return _Draft("HassClimateGetTemperature", {}, self.wrap(self.say(ts), "ask"))
        if mode == "area" and areas:
            aw = self.area_words(self.choice(areas))
            ts = ["what('s| is) the temperature {in_area}", "how (warm|cold|hot) is it {in_area}",
                  "how (warm|cold) is {area_noun}", "what('s| is) the {area} temperature",
                  "what temperature is it {in_area}", "(check|tell me) the temperature {in_area}",
                  "how many degrees is it {in_area}"]  # fmt: skip
            text = self.wrap(self.say(ts, **aw), "ask")
            return _Draft(
                "HassClimateGetTemperature", {"area": aw["_label"]}, text, self.maybe_context(0.2)
            )
        if mode == "floor" and floors:
            fw = self.floor_words(self.choice(floors))
            ts = [
                "what('s| is) the temperature {on_floor}",
                "how (warm|cold) is it {on_floor}",
                "what('s| is) the {floor} temperature",
            ]
            text = self.wrap(self.say(ts, **fw), "ask")
            return _Draft("HassClimateGetTemperature", {"floor": fw["_label"]}, text)
        e = self.choice(climates)
        n, label = self.entity_words(e)
        ts = ["what (temperature|reading) is [the] {n} (showing|reporting|reading)",
              "what('s| is) the current temperature (on|according to) [the] {n}",
              "how warm does [the] {n} say it is", "what does [the] {n} (read|say) [right now]",
              "what('s| is) [the] {n} reading"]  # fmt: skip
        text = self.wrap(self.say(ts, n=n), "ask")
        return _Draft("HassClimateGetTemperature", {"name": label}, text)

    def _HassFanSetSpeed(self) -> _Draft | None:
        fans = self.ents("fan")
        if not fans:
            return None
        if self.chance(0.1):
            value, p = 100, self.choice(("full speed", "maximum speed", "top speed", "max speed"))
        else:
            value = self.choice((10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 100, 33, 66))
            p = self.percent(value)
        mode = self.pick((("name", 6), ("area", 3), ("here", 3)))
        areas = self.areas_with(lambda e: e.domain == "fan")
        if mode == "name" or not areas:
            e = self.choice(fans)
            n, label = self.entity_words(e, self.light_suffix(e))
            ts = ["set [the] {n} [speed] to {p}", "(turn|put) [the] {n} (up|down) to {p}",
                  "change the speed of [the] {n} to {p}", "{n} speed {p}", "run [the] {n} at {p}",
                  "set the speed (of|on) [the] {n} to {p}", "(slow|speed) [the] {n} (down|up) to {p}"]  # fmt: skip
            text = self.wrap(self.say(ts, n=n, p=p))
            return _Draft(
                "HassFanSetSpeed",
                {"name": label, "percentage": value},
                text,
                self.maybe_context(0.2),
            )
        a = self.choice(areas)
        if mode == "area":
            aw = self.area_words(a)
            ts = ["set the fan[s] {in_area} to {p}", "set the {area} fan[s] [speed] to {p}",
                  "(turn|put) the fan[s] {in_area} (up|down) to {p}", "{area} fan speed {p}",
                  "change the fan speed {in_area} to {p}"]  # fmt: skip
            text = self.wrap(self.say(ts, p=p, **aw))
            return _Draft(
                "HassFanSetSpeed",
                {"area": aw["_label"], "percentage": value},
                text,
                self.maybe_context(0.2),
            )
        ts = ["set the fan [speed] to {p} {h}", "fan speed {p} {h}", "(turn|put) the fan (up|down) to {p} {h}",
              "run the fan at {p} {h}", "change the fan speed to {p} {h}"]  # fmt: skip
        text = self.wrap(self.say(ts, p=p, h=self.here(0.5)))
        return _Draft(
            "HassFanSetSpeed", {"area": a.name, "percentage": value}, text, self.context(a)
        )

    def _HassVacuumStart(self) -> _Draft | None:
        vacuums = self.ents("vacuum")
        if not vacuums:
            return None
        mode = self.pick((("name", 6), ("area", 3), ("floor", 1.2)))
        if mode == "name":
            e = self.choice(vacuums)
            n, label = self.entity_words(e)
            ts = ["start [the] {n}", "(have|get|let) [the] {n} (clean|vacuum) [the house|the floors]",
                  "send [the] {n} (out) to clean", "{n}, start cleaning", "tell [the] {n} to (start cleaning|vacuum|get to work)",
                  "(run|launch) [the] {n}", "start (vacuuming|cleaning) with [the] {n}", "(turn on|switch on) [the] {n} and start cleaning",
                  "{n} go clean"]  # fmt: skip
            return _Draft("HassVacuumStart", {"name": label}, self.wrap(self.say(ts, n=n)))
        if mode == "area":
            near = self.areas_with(lambda e: e.domain == "vacuum")
            pool = near if near and self.chance(0.8) else self.areas
            aw = self.area_words(self.choice(pool))
            ts = ["(vacuum|hoover) {area_noun}", "(clean|vacuum) {area_noun} [floor]", "start (vacuuming|cleaning) {in_area}",
                  "run the (vacuum|robot vacuum|hoover) {in_area}", "(send|get) the vacuum (to clean|cleaning) {in_area}",
                  "the {area} needs (vacuuming|to be vacuumed)"]  # fmt: skip
            return _Draft("HassVacuumStart", {"area": aw["_label"]}, self.wrap(self.say(ts, **aw)))
        floors = self.floors_with(lambda e: e.domain == "vacuum") or self.floors
        if not floors:
            return None
        fw = self.floor_words(self.choice(floors))
        ts = ["(vacuum|clean|hoover) the {floor}", "start (vacuuming|cleaning) {on_floor}",
              "run the vacuum {on_floor}", "(vacuum|clean) {on_floor}"]  # fmt: skip
        return _Draft("HassVacuumStart", {"floor": fw["_label"]}, self.wrap(self.say(ts, **fw)))

    def _HassVacuumReturnToBase(self) -> _Draft | None:
        vacuums = self.ents("vacuum")
        if not vacuums:
            return None
        areas = self.areas_with(lambda e: e.domain == "vacuum")
        if areas and self.chance(0.25):
            aw = self.area_words(self.choice(areas))
            ts = ["send the vacuum {in_area} (back) (home|to (its|the) (base|dock))", "dock the {area} vacuum",
                  "(return|send) the {area} (vacuum|robot) (to (its|the) base|home)",
                  "tell the vacuum {in_area} to go (home|back to (its|the) dock)"]  # fmt: skip
            return _Draft(
                "HassVacuumReturnToBase", {"area": aw["_label"]}, self.wrap(self.say(ts, **aw))
            )
        e = self.choice(vacuums)
        n, label = self.entity_words(e)
        ts = ["send [the] {n} (back) (home|to (its|the) (dock|base|charger))", "(return|dock) [the] {n} [to (its|the) (base|dock)]",
              "{n}, go (home|back to (your|the) (base|dock))", "tell [the] {n} to (go home|return to (its|the) base|dock)",
              "(stop|pause) [the] {n} and send it (home|back to (its|the) dock)", "{n} (go|return) to (the) (base|dock)",
              "have [the] {n} go back to (its|the) (charger|dock)", "recall [the] {n}"]  # fmt: skip
        return _Draft("HassVacuumReturnToBase", {"name": label}, self.wrap(self.say(ts, n=n)))

    # -- media ---------------------------------------------------------------------------------
    def _player_target(
        self, near_only: float = 0.8
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None, dict[str, str]]:
        """A media target: (mode, args, context, slots) where mode is here, name or area."""
        players = self.ents("media_player")
        near = self.areas_with(lambda e: e.domain == "media_player")
        mode = self.pick((("here", 6), ("name", 4), ("area", 3)))
        if mode == "name" and players:
            e = self.choice(players)
            n, label = self.entity_words(e)
            return "name", {"name": label}, self.maybe_context(0.2), {"n": n}
        pool = near if near and self.chance(near_only) else self.areas
        a = self.choice(pool)
        if mode == "area":
            aw = self.area_words(a)
            return "area", {"area": aw["_label"]}, self.maybe_context(0.2), aw
        return "here", {"area": a.name}, self.context(a), {"h": self.here(0.6)}

    def _transport(
        self, tool: str, here: Sequence[str], name: Sequence[str], area: Sequence[str]
    ) -> _Draft | None:
        if not self.ents("media_player"):
            return None
        mode, args, ctx, slots = self._player_target()
        ts = {"here": here, "name": name, "area": area}[mode]
        return _Draft(tool, args, self.wrap(self.say(ts, **slots)), ctx)

    def _HassMediaPause(self) -> _Draft | None:
        return self._transport(
            "HassMediaPause",
            ["pause {h}", "pause [the] (music|song|show|movie|video|episode|podcast) {h}", "pause (it|this|playback) {h}",
             "hold (the|this) (music|show|movie) {h}", "put (the|this) (show|movie|music|song) on pause {h}", "hit pause {h}",
             "pause what's playing {h}", "can you pause this {h}"],
            ["pause [the] {n}", "pause (the) (music|show|movie) on [the] {n}", "{n} pause", "hit pause on [the] {n}",
             "put [the] {n} on pause", "pause whatever is playing on [the] {n}"],
            ["pause [the] (music|show|movie|media|podcast) {in_area}", "pause the {area} (speaker|media player)",
             "{in_area}, pause (the music|it|playback)", "hit pause {in_area}", "pause what's playing {in_area}"],
        )  # fmt: skip

    def _HassMediaUnpause(self) -> _Draft | None:
        return self._transport(
            "HassMediaUnpause",
            ["(resume|unpause|continue) {h}", "(resume|unpause|continue) [the] (music|song|show|movie|video|episode|podcast) {h}",
             "(keep|continue) playing {h}", "start (it|the music|the show) (again|back up) {h}", "(resume|continue) playback {h}",
             "press play again {h}", "pick up where (we|I|it) left off {h}", "unpause (it|this) {h}"],
            ["(resume|unpause|continue) [the] {n}", "(resume|unpause) (the) (music|show|movie) on [the] {n}",
             "{n} (resume|unpause|continue)", "start [the] {n} (playing) again", "(resume|continue) playback on [the] {n}"],
            ["(resume|unpause) [the] (music|show|movie|media) {in_area}", "(resume|unpause|continue) the {area} (speaker|media player)",
             "(keep|continue) playing {in_area}", "{in_area}, (resume|unpause) (the music|it|playback)"],
        )  # fmt: skip

    def _HassMediaNext(self) -> _Draft | None:
        return self._transport(
            "HassMediaNext",
            ["(next|skip) [song|track|episode] {h}", "skip (this|this song|this track|this one|ahead) {h}",
             "(play|go to) the next (song|track|episode|one) {h}", "skip to the next (song|track|episode) {h}",
             "next one [please] {h}", "I don't like this (song|track), skip it {h}", "move on to the next (song|track) {h}"],
            ["skip (this|the) (song|track|episode) on [the] {n}", "next (song|track) on [the] {n}",
             "skip to the next (song|track|episode) on [the] {n}", "{n} next [song|track]", "skip ahead on [the] {n}",
             "(have|make) [the] {n} (play|go to) the next (song|track)"],
            ["skip (this|the) (song|track) {in_area}", "next (song|track) {in_area}", "skip to the next (song|track|episode) {in_area}",
             "{in_area}, skip (this|this song|ahead)", "play the next (song|track) on the {area} (speaker|media player)"],
        )  # fmt: skip

    def _HassMediaPrevious(self) -> _Draft | None:
        return self._transport(
            "HassMediaPrevious",
            ["previous [song|track|episode] {h}", "go back (a|one) (song|track|episode) {h}",
             "(play|go back to) the (previous|last) (song|track|episode) [again] {h}", "back to the (previous|last) (song|track) {h}",
             "replay the (last|previous) (song|track) {h}", "(go back|back up|rewind) to the previous (song|track|one) {h}"],
            ["(previous|last) (song|track|episode) on [the] {n}", "go back (a|one) (song|track) on [the] {n}",
             "play the previous (song|track) on [the] {n}", "{n} previous [song|track]", "{n} go back (a|one) (song|track)"],
            ["previous (song|track) {in_area}", "go back (a|one) (song|track) {in_area}",
             "play the (previous|last) (song|track) again {in_area}", "{in_area}, go back (a|one) (song|track)"],
        )  # fmt: skip

    def _HassMediaPlayerMute(self) -> _Draft | None:
        return self._transport(
            "HassMediaPlayerMute",
            ["mute {h}", "mute (it|this|the sound|the audio|the music|the speaker) {h}", "(turn|switch) (the sound|the audio) off {h}",
             "silence (it|this|the music|the speaker) {h}", "kill the (sound|audio) {h}", "put (it|this) on mute {h}"],
            ["mute [the] {n}", "silence [the] {n}", "turn (the sound|the audio) off on [the] {n}", "{n} mute", "put [the] {n} on mute"],
            ["mute the (speaker|music|audio|sound) {in_area}", "mute the {area} (speaker|media player)",
             "silence the (music|speaker) {in_area}", "{in_area}, mute (it|the sound)"],
        )  # fmt: skip

    def _HassMediaPlayerUnmute(self) -> _Draft | None:
        return self._transport(
            "HassMediaPlayerUnmute",
            ["unmute {h}", "unmute (it|this|the sound|the audio|the music|the speaker) {h}", "turn the (sound|audio) back on {h}",
             "bring (back) the (sound|audio) {h}", "restore the (sound|audio) {h}", "take (it|this) off mute {h}"],
            ["unmute [the] {n}", "turn the sound back on (on|for) [the] {n}", "{n} unmute", "take [the] {n} off mute",
             "restore the (sound|audio) on [the] {n}"],
            ["unmute the (speaker|music|audio|sound) {in_area}", "unmute the {area} (speaker|media player)",
             "turn the sound back on {in_area}", "{in_area}, unmute (it|the sound)"],
        )  # fmt: skip

    def _HassSetVolume(self) -> _Draft | None:
        if not self.ents("media_player"):
            return None
        value = self.choice(
            (10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 100, 5)
        )
        p = self.percent(value, bare=0.25)
        mode, args, ctx, slots = self._player_target()
        base = ["(set|change|put) the volume to {p}", "volume (to|at) {p}", "turn the volume (up|down) to {p}",
                "make the volume {p}", "(raise|lower|drop|bump) the volume to {p}", "set (the) volume (level) (at|to) {p}"]  # fmt: skip
        if mode == "here":
            ts = [t + " {h}" for t in base]
        elif mode == "name":
            ts = [t + " on [the] {n}" for t in base] + ["set [the] {n} volume to {p}", "{n} volume {p}",
                                                        "turn [the] {n} (up|down) to {p}"]  # fmt: skip
        else:
            ts = [t + " {in_area}" for t in base] + [
                "{area} volume (to) {p}",
                "set the {area} (volume|speaker) to {p}",
            ]
        args = {**args, "volume_level": value}
        return _Draft("HassSetVolume", args, self.wrap(self.say(ts, p=p, **slots)), ctx)

    def _HassMediaSearchAndPlay(self) -> _Draft | None:
        if not self.ents("media_player"):
            return None
        titles = [m.title for m in self.w.media]
        kinds = {m.title: m.media_class for m in self.w.media if m.media_class}
        title = self.choice(titles) if titles and self.chance(0.8) else self.choice(_EXTRA_MEDIA)
        kind = kinds.get(title) or _MEDIA_KINDS.get(title.lower())
        q = title if self.chance(0.6) else title.lower()
        mode, args, ctx, slots = self._player_target()
        cls = kind if kind in _MEDIA_CLASS_WORDS and self.chance(0.45) else None
        verb = (
            "(play|put on|start playing|I want to (watch|see))"
            if kind in _WATCH
            else "(play|put on|start playing|I want to (hear|listen to))"
        )
        if cls:
            w = self.choice(_MEDIA_CLASS_WORDS[cls])
            ts = [
                verb + " the " + w + " {q}",
                verb + " [the] {q} " + w,
                "(play|put on) " + w + " {q}",
            ]
            if cls == "artist":
                ts.append("play (something|songs|music) by the " + w + " {q}")
        else:
            ts = [
                verb + " {q}",
                "(can you|could you|please) play {q}",
                "let's (hear|watch) {q}",
                "(stream|queue up) {q}",
            ]
        where = {"here": " {h}", "name": " on [the] {n}", "area": " {in_area}"}[mode]
        if mode == "name" and self.chance(0.2):
            near = self.areas_with(lambda e: e.domain == "media_player")
            if near:
                aw = self.area_words(self.choice(near))
                slots = {**slots, **aw}
                where = " on [the] {n} {in_area}"
                args = {**args, "area": aw["_label"]}
        ts = [t + where for t in ts]
        text = self.wrap(self.say(ts, q=q, **slots))
        call: dict[str, Any] = {**args, "search_query": title}
        if cls:
            call["media_class"] = cls
        return _Draft("HassMediaSearchAndPlay", call, text, ctx)

    # -- timers --------------------------------------------------------------------------------
    def _duration(self, style: str | None = None) -> tuple[dict[str, int], str, str]:
        """(slots, spoken ``1 hour and 5 minutes``, adjectival ``1 hour 5 minute``)."""
        combo = style or self.pick(
            (("m", 45), ("h", 12), ("s", 12), ("hm", 12), ("ms", 10), ("hs", 4), ("hms", 2))
        )
        values: dict[str, int] = {}
        if "h" in combo:
            values["hours"] = self.pick(((1, 6), (2, 3), (3, 1), (4, 0.5), (5, 0.3), (12, 0.2)))
        if "m" in combo:
            values["minutes"] = self.choice(_MINUTES) if self.chance(0.7) else self.r.randint(1, 59)
        if "s" in combo:
            values["seconds"] = self.choice(_SECONDS) if self.chance(0.7) else self.r.randint(1, 59)
        return (values, *self._duration_words(values))

    def _duration_words(self, values: Mapping[str, int]) -> tuple[str, str]:
        """How a duration is said: (``1 hour and 5 minutes``, ``1 hour 5 minute``)."""
        parts: list[str] = []
        adj: list[str] = []
        for key, unit in zip(("hours", "minutes", "seconds"), _UNITS, strict=True):
            v = values.get(key)
            if not v:
                continue
            if v == 1 and self.chance(0.4):
                word = "an" if unit == "hour" else "a"
                parts.append(
                    f"{self.choice((word, 'one') if not parts else (word, 'one', '1'))} {unit}"
                )
                adj.append(f"{self.choice(('one', '1'))} {unit}")
                continue
            num = self.number(v, 0.22)
            parts.append(f"{num} {unit}{'s' if v != 1 else ''}")
            adj.append(f"{num} {unit}")
        joiner = self.pick(((" and ", 6), (" ", 2), (", ", 1)))
        spoken = (
            joiner.join(parts) if len(parts) < 3 else ", ".join(parts[:-1]) + " and " + parts[-1]
        )
        adjective = self.pick(((" and ", 3), (" ", 2))).join(adj)
        return spoken, adjective

    def _HassStartTimer(self) -> _Draft | None:
        values, d, adj = self._duration()
        a_adj = f"{_article(adj)} {adj}"
        mode = self.pick((("plain", 6), ("named", 2.5), ("command", 1.5)))
        args: dict[str, Any] = dict(values)
        if mode == "plain":
            ts = ["set a timer for {d}", "(start|set|create|make) {aa} timer", "timer for {d}", "{adj} timer",
                  "start a (countdown|timer) for {d}", "set (a|my) timer (for|to) {d}", "I need a timer for {d}",
                  "(can you|could you) time {d}", "start timing {d}", "count down {d}", "give me {aa} timer",
                  "put a timer on for {d}", "timer {d}", "set the timer for {d}"]  # fmt: skip
            text = self.wrap(self.say(ts, d=d, adj=adj, aa=a_adj))
        elif mode == "named":
            name = self.choice(_TIMER_NAMES)
            ts = ["set {aa} timer (for|named|called) {name}", "set a {name} timer for {d}",
                  "start a timer (named|called) {name} for {d}", "{name} timer for {d}",
                  "set a timer for {d} (named|called) {name}", "start {aa} {name} timer",
                  "set a timer for {d} for {name}", "create a {name} timer (for|of) {d}"]  # fmt: skip
            text = self.wrap(self.say(ts, d=d, adj=adj, aa=a_adj, name=name))
            args["name"] = name
        else:
            command = self.choice(_COMMANDS)
            ts = [
                "{c} in {d}",
                "in {d}, {c}",
                "{c} after {d}",
                "wait {d} and then {c}",
                "{c} in {d} from now",
            ]
            text = self.wrap(self.say(ts, c=command, d=d))
            args["conversation_command"] = command
        return _Draft("HassStartTimer", _ordered(args), text, self.maybe_context(0.7))

    def _timer_target(self, allow_default: bool = True) -> tuple[dict[str, Any], str]:
        """Which timer a request means: (slots, noun phrase)."""
        timers: list[Timer] = list(self.w.timers)
        named = [t for t in timers if t.name]
        placed = [t for t in timers if t.area_id and t.area_id in self.w.areas]
        modes: list[tuple[str, float]] = [("start", 3)]
        if allow_default:
            modes.append(("default", 4))
        if named:
            modes.append(("name", 3))
        if placed:
            modes.append(("area", 3))
        mode = self.pick(modes)
        if mode == "default":
            return {}, self.pick((("my timer", 4), ("the timer", 4), ("timer", 1.5), ("the current timer", 0.5),
                                  ("this timer", 0.5)))  # fmt: skip
        if mode == "name":
            t = self.choice(named)
            name = str(t.name)
            np = self.say(
                ["[the] {x} timer", "the timer for {x}", "my {x} timer", "the {x} one"],
                x=self.casing(name, 0.9),
            )
            return {"name": name}, np
        if mode == "area":
            t = self.choice(placed)
            aw = self.area_words(self.w.areas[str(t.area_id)])
            np = self.say(
                [
                    "the {area} timer",
                    "the timer {in_area}",
                    "[the] {area} timer",
                    "the timer (that's|that is) {in_area}",
                ],
                **aw,
            )
            return {"area": aw["_label"]}, np
        if timers and self.chance(0.75):  # a timer that is set
            t = self.choice(timers)
            values = {k: v for k, v in (("hours", t.start_hours), ("minutes", t.start_minutes),
                                        ("seconds", t.start_seconds)) if v}  # fmt: skip
            d, adj = self._duration_words(values)
        else:
            values, d, adj = self._duration(self.pick((("m", 4), ("h", 1.5), ("s", 1))))
        np = self.say(
            ["the {adj} timer", "the timer for {d}", "[my] {adj} timer", "the {d} timer"],
            d=d,
            adj=adj,
        )
        return {f"start_{k}": v for k, v in values.items()}, np

    def _timer_action(self, tool: str, verbs: Sequence[str], allow_default: bool = True) -> _Draft:
        slots, np = self._timer_target(allow_default)
        ts = [v.replace("{t}", "{np}") for v in verbs]
        text = self.wrap(self.say(ts, np=np))
        return _Draft(tool, _ordered(slots), text, self.maybe_context(0.4))

    def _HassCancelTimer(self) -> _Draft | None:
        return self._timer_action("HassCancelTimer", ["(cancel|stop|delete|kill|end|clear|turn off|get rid of) {t}",
                                                      "{t} (can be cancelled|is no longer needed)", "I don't need {t} anymore",
                                                      "(cancel|stop) {t} (now|please)"])  # fmt: skip

    def _HassPauseTimer(self) -> _Draft | None:
        return self._timer_action("HassPauseTimer", ["(pause|hold|freeze) {t}", "put {t} on hold", "stop {t} for a (moment|second|bit)",
                                                     "pause {t} for (now|a (minute|moment))"])  # fmt: skip

    def _HassUnpauseTimer(self) -> _Draft | None:
        return self._timer_action("HassUnpauseTimer", ["(resume|unpause|continue|restart) {t}", "get {t} (going|running) again", "start {t} (up) again",
                                                       "keep {t} going", "let {t} (run|keep running) again"])  # fmt: skip

    def _HassTimerStatus(self) -> _Draft | None:
        slots, np = self._timer_target()
        ts = ["how much time is left (on|in) {np}", "how long is left on {np}", "how long until {np} (goes off|is done|rings)",
              "(what's|what is) the status of {np}", "check {np}", "when will {np} (go off|be done|ring)",
              "how much longer (on|for) {np}", "how long (is) left (on|in) {np}", "(status of|update on) {np}",
              "is {np} (still) running", "time (left|remaining) on {np}"]  # fmt: skip
        if not slots:
            ts += ["(timer|timers) status", "how are my timers (doing|looking)", "(what|which) timers (do I have|are running)",
                   "(show|list) (my|the) timers", "how much time is left"]  # fmt: skip
        text = self.wrap(self.say(ts, np=np), "ask")
        return _Draft("HassTimerStatus", _ordered(slots), text, self.maybe_context(0.4))

    def _HassCancelAllTimers(self) -> _Draft | None:
        placed = [t for t in self.w.timers if t.area_id and t.area_id in self.w.areas]
        if placed and self.chance(0.35):
            aw = self.area_words(self.w.areas[str(self.choice(placed).area_id)])
            ts = ["(cancel|stop|clear|delete) (all|every) [the|my] timer[s] {in_area}", "(cancel|stop|clear) all [the] {area} timers",
                  "get rid of all the timers {in_area}", "(cancel|stop) every {area} timer"]  # fmt: skip
            return _Draft(
                "HassCancelAllTimers",
                {"area": aw["_label"]},
                self.wrap(self.say(ts, **aw)),
                self.maybe_context(0.3),
            )
        ts = ["(cancel|stop|clear|delete|kill) all [of] (my|the) timers", "(cancel|stop|clear) every timer",
              "(turn off|get rid of|remove) all [the] timers", "cancel all timers", "clear (out) all [my] timers",
              "I don't need any (of the|) timers anymore", "(stop|cancel) [all] the timers, all of them"]  # fmt: skip
        return _Draft("HassCancelAllTimers", {}, self.wrap(self.say(ts)), self.maybe_context(0.4))

    def _change_timer(self, tool: str, more: bool) -> _Draft:
        values, d, _ = self._duration(
            self.pick((("m", 6), ("s", 2), ("h", 1), ("hm", 0.6), ("ms", 0.8)))
        )
        slots, np = self._timer_target()
        if more:
            ts = ["add {d} to {np}", "(extend|increase|lengthen) {np} by {d}", "put {d} (more|extra) on {np}",
                  "add (another|an extra|) {d} to {np}", "give {np} {d} more", "{np} needs {d} more",
                  "(bump|push) {np} (up|back) by {d}"]  # fmt: skip
        else:
            ts = ["(remove|take|subtract) {d} (from|off) {np}", "(decrease|reduce|shorten|cut) {np} by {d}",
                  "knock {d} off {np}", "take {d} off {np}", "{np} (should be|can be) {d} shorter",
                  "(cut|trim) {d} (from|off) {np}"]  # fmt: skip
        text = self.wrap(self.say(ts, d=d, np=np))
        return _Draft(tool, _ordered({**values, **slots}), text, self.maybe_context(0.4))

    def _HassIncreaseTimer(self) -> _Draft | None:
        return self._change_timer("HassIncreaseTimer", True)

    def _HassDecreaseTimer(self) -> _Draft | None:
        return self._change_timer("HassDecreaseTimer", False)

    # -- lists ---------------------------------------------------------------------------------
    def _other_lists(self) -> list[tuple[str, str]]:
        """(spelling, kind) of the to-do lists besides the shopping list."""
        out: list[tuple[str, str]] = []
        for todo in self.w.lists.values():
            if norm(todo.name) == "shopping list":
                continue
            kind = (
                "chores"
                if any(w in norm(todo.name) for w in ("chore", "todo", "to do", "task"))
                else "groceries"
            )
            out += [(n, kind) for n in todo.names()]
        return out

    def _item(self, kind: str = "groceries") -> str:
        pool = _CHORES if kind == "chores" else _GROCERIES
        return str(self.choice(pool))

    def _HassShoppingListAddItem(self) -> _Draft | None:
        item = self._item()
        ts = ["add {i} to (my|the) shopping list", "put {i} on (my|the) [shopping] list", "(we|I) need {i}, (add it to|put it on) the shopping list",
              "shopping list add {i}", "add {i} to (my|the) list", "(write|jot) (down) {i} on the shopping list",
              "(can you|please) add {i} to the shopping list", "(put|add) {i} (on|to) the shopping list (for (me|next time))",
              "(don't let me forget|remind me to buy) {i}, add it to the shopping list", "shopping list: {i}",
              "add {i} to the (shopping|groceries) list"]  # fmt: skip
        ts = [t for t in ts if "groceries" not in t]
        return _Draft("HassShoppingListAddItem", {"item": item}, self.wrap(self.say(ts, i=item)))

    def _HassShoppingListCompleteItem(self) -> _Draft | None:
        item = self._item()
        ts = ["check (off) {i} (from|on|off) (my|the) shopping list", "cross {i} off (my|the) [shopping] list",
              "mark {i} as (done|bought|purchased|complete) on (my|the) shopping list", "(remove|delete) {i} from (my|the) shopping list",
              "I (got|bought|picked up) {i}, (check|cross) it off the [shopping] list", "tick {i} off the shopping list",
              "check {i} off (my|the) list", "{i} can come off the shopping list", "complete {i} on the shopping list"]  # fmt: skip
        return _Draft(
            "HassShoppingListCompleteItem", {"item": item}, self.wrap(self.say(ts, i=item))
        )

    def _HassListAddItem(self) -> _Draft | None:
        lists = self._other_lists()
        if not lists:
            return None
        spelling, kind = self.choice(lists)
        item = self._item(kind)
        ts = ["add {i} to (my|the) {l} list", "put {i} on (my|the) {l} list", "{l} list: add {i}", "add {i} to {l}",
              "(put|write) {i} (on|in) the {l} list", "add {i} to the {l} list",
              "(stick|throw) {i} on the {l} list", "add an item to the {l} list: {i}"]  # fmt: skip
        text = self.wrap(self.say(ts, i=item, l=self.casing(spelling, 0.8)))
        return _Draft("HassListAddItem", {"item": item, "name": spelling}, text)

    def _HassListCompleteItem(self) -> _Draft | None:
        lists = self._other_lists()
        if not lists:
            return None
        spelling, kind = self.choice(lists)
        item = self._item(kind)
        ts = ["(check|cross|tick) {i} off (my|the) {l} list", "mark {i} (as) (done|complete|completed|finished) on (my|the) {l} list",
              "complete {i} on (my|the) {l} list", "(remove|delete) {i} from the {l} list", "check off {i} on {l}"]  # fmt: skip
        if kind == "chores":
            ts += [
                "I (did|finished) {i}, (check|cross) it off the {l} list",
                "{i} is done, mark it off the {l} list",
            ]
        else:
            ts += [
                "I (got|bought|picked up) {i}, (check|cross) (it|them) off the {l} list",
                "{i} (is|are) in the cart, check (it|them) off {l}",
            ]
        text = self.wrap(self.say(ts, i=item, l=self.casing(spelling, 0.8)))
        return _Draft("HassListCompleteItem", {"item": item, "name": spelling}, text)

    # -- assistant -----------------------------------------------------------------------------
    def _HassGetWeather(self) -> _Draft | None:
        stations = self.ents("weather")
        if not stations:
            return None
        if self.chance(0.45):
            e = self.choice(stations)
            n = e.name if self.chance(0.6) else e.name.lower()
            ts = ["what's the weather (like) in {n}", "how's the weather in {n} [today|right now]", "{n} weather",
                  "what('s| is) it like in {n} [right now|today]", "(give me|tell me) the weather (for|in) {n}",
                  "what's the weather doing in {n}", "weather (in|for) {n}", "is it nice (out) in {n}"]  # fmt: skip
            return _Draft("HassGetWeather", {"name": e.name}, self.wrap(self.say(ts, n=n), "ask"))
        ts = ["what's the weather [like] [today|right now|outside]", "how's the weather [today|outside]",
              "what's it like outside", "weather (report|update)", "(tell me|give me) the weather", "what is the weather (doing)",
              "how is it (looking) outside", "what's the weather looking like", "do you know what the weather is like",
              "current weather"]  # fmt: skip
        return _Draft("HassGetWeather", {}, self.wrap(self.say(ts), "ask"), self.maybe_context(0.3))

    def _HassGetCurrentDate(self) -> _Draft | None:
        ts = ["what('s| is) (the date|today's date) [today]", "what day is (it|today)", "(tell me|give me) (the date|today's date)",
              "which day of the month is it", "what's the date (again|right now)", "do you know (what day it is|the date)",
              "what date is it [today]", "what day of the (week|month) is it", "today's date", "(remind me|tell me) what day it is"]  # fmt: skip
        return _Draft(
            "HassGetCurrentDate", {}, self.wrap(self.say(ts), "ask"), self.maybe_context(0.3)
        )

    def _HassGetCurrentTime(self) -> _Draft | None:
        ts = ["what time is it [now|right now|please]", "what's the time [now|please]", "(tell me|give me) the time",
              "do you (know|have) the time", "(what|which) time do you have", "(got|have you got) the time",
              "current time [please]", "how late is it", "what's the (current|exact) time", "time (check|please)",
              "check the time"]  # fmt: skip
        return _Draft(
            "HassGetCurrentTime", {}, self.wrap(self.say(ts), "ask"), self.maybe_context(0.3)
        )

    def _HassNevermind(self) -> _Draft | None:
        ts = ["never mind", "nevermind", "forget (about) it", "cancel that", "scratch that", "ignore (that|me)",
              "(oh|ah|um|uh) never mind", "(sorry|no|nah), never mind", "never mind (that|then)", "disregard that",
              "forget I said anything", "oops, (ignore that|never mind|cancel)", "(no|nah) (wait|sorry), forget it",
              "actually, never mind", "that's not what I meant, never mind", "I changed my mind"]  # fmt: skip
        return _Draft("HassNevermind", {}, self.wrap(self.say(ts), "bare"), self.maybe_context(0.3))

    def _HassRespond(self) -> _Draft | None:
        ts = ["(hello|hi|hey|hiya|howdy) [there|assistant]", "good (morning|afternoon|evening)", "(thank you|thanks) [so much|a lot|very much]",
              "who are you", "what('s| is) your name", "who (made|built|created|designed) you", "are you (listening|recording) [right now|all the time]",
              "where does my (data|voice data) go", "do you (store|keep|save) my (recordings|data|voice)",
              "what can you do [for me]", "how do you work", "are you (a robot|a real person|human)", "(nice|good) to meet you",
              "what are you", "is anyone listening (to me)", "are you there", "you're (awesome|the best)"]  # fmt: skip
        return _Draft("HassRespond", {}, self.wrap(self.say(ts), "bare"), self.maybe_context(0.3))

    def _HassBroadcast(self) -> _Draft | None:
        message = self.choice(_MESSAGES)
        ts = ["broadcast {m}", "broadcast that {m}", "announce that {m}", "announce {m}", "tell everyone (that) {m}",
              "let everyone know (that) {m}", "make an announcement that {m}", "announce to the (house|whole house) that {m}",
              "broadcast to (all the rooms|all the speakers|every room|every speaker) that {m}", "(shout|call) out to everyone that {m}",
              "send a broadcast (saying|that) {m}", "tell the whole house (that) {m}"]  # fmt: skip
        text = self.wrap(self.say(ts, m=message))
        return _Draft("HassBroadcast", {"message": message}, text, self.maybe_context(0.4))

    # -- nothing to do -------------------------------------------------------------------------
    def out_of_scope(self) -> _Draft:
        kind = self.pick((("general", 6), ("device", 2.5), ("area", 2)))
        if kind == "device":
            devices = [d for d in _ABSENT_DEVICES if not set(d.split()) & self.known_words]
            if devices:
                d = self.choice(devices)
                ts = ["(turn|switch) on the {d}", "(turn|switch) off the {d}", "(start|stop) the {d}", "is the {d} on",
                      "set the {d} to (50|80) percent", "(preheat|warm up|fire up) the {d}", "what's the {d} set to"]  # fmt: skip
                text = self.say(ts, d=d)
                return _Draft(
                    "",
                    {},
                    self.wrap(text, "ask" if text.startswith(("is", "what")) else "cmd"),
                    self.maybe_context(0.3),
                )
        if kind == "area":
            rooms = [a for a in _ABSENT_AREAS if not set(a.split()) & self.known_words]
            if rooms:
                room = self.choice(rooms)
                ts = ["(turn|switch) (on|off) the lights in the {a}", "(turn|switch) (on|off) the {a} lights",
                      "set the {a} (lights|lamp) to (40|60) percent", "close the curtains in the {a}", "play music in the {a}",
                      "what's the temperature in the {a}", "(dim|brighten) the {a}", "lock the {a} door"]  # fmt: skip
                text = self.say(ts, a=room)
                return _Draft(
                    "",
                    {},
                    self.wrap(text, "ask" if text.startswith("what") else "cmd"),
                    self.maybe_context(0.3),
                )
        text = self.say(_OUT_OF_SCOPE)
        question = text.split()[0].lower() in {
            "what's",
            "who",
            "how",
            "when",
            "what",
            "do",
            "are",
            "is",
        }
        return _Draft(
            "", {}, self.wrap(text, "ask" if question else "cmd"), self.maybe_context(0.3)
        )


def _tool(on: bool) -> str:
    return "HassTurnOn" if on else "HassTurnOff"


_ARG_ORDER = ("name", "area", "floor", "domain", "device_class", "state")


def _ordered(args: Mapping[str, Any]) -> dict[str, Any]:
    head = {k: args[k] for k in _ARG_ORDER if k in args}
    return {**head, **{k: v for k, v in args.items() if k not in head}}


def generate(
    world: HomeWorld | None = None, n: int = 5000, *, seed: int = 0, out_of_scope: float = 0.1
) -> list[Case]:
    """``n`` labelled smart-home requests for ``world`` (the bundled test home by default).

    Deterministic for a ``seed``. About ``out_of_scope`` of them expect no call at all. Tools
    are drawn by :data:`TOOL_WEIGHTS` (tools the world cannot serve, e.g. vacuums in a home
    without one, are skipped); repeated utterances are re-drawn a few times.
    """
    if not 0 <= out_of_scope <= 1:
        raise ValueError("out_of_scope must be between 0 and 1")
    home = world if world is not None else HomeWorld()
    rng = random.Random(seed)
    gen = _Generator(home, rng)
    tools = list(TOOL_WEIGHTS.items())
    seen: set[tuple[str, str]] = set()
    cases: list[Case] = []
    for i in range(n):
        in_scope = rng.random() >= out_of_scope
        draft: _Draft | None = None
        for attempt in range(12):
            gen.said = []
            if not in_scope:
                candidate: _Draft | None = gen.out_of_scope()
            else:
                tool = _weighted(rng, tools) if draft is None or attempt > 5 else draft.tool
                candidate = gen.makers[tool]()
            if candidate is None:
                continue
            draft = candidate
            family = _family(draft.tool or "none", gen.said)
            key = (draft.text.lower().rstrip("?.!"), json.dumps(draft.context, sort_keys=True))
            if key not in seen:
                break
        if draft is None:
            raise RuntimeError("the world offers nothing to ask for")
        seen.add((draft.text.lower().rstrip("?.!"), json.dumps(draft.context, sort_keys=True)))
        expected = [ExpectedCall(tool=draft.tool, args=draft.args)] if draft.tool else []
        cases.append(
            Case(
                id=f"gen-sh-{i}",
                suite="smart_home",
                utterance=draft.text,
                context=draft.context,
                expected=expected,
                match="exact",
                family=family,
            )
        )
    return cases


def _family(tool: str, templates: Sequence[str]) -> str:
    """A request's phrasing family: its tool and the first template it was written from."""
    first = templates[0] if templates else ""
    digest = hashlib.sha1(first.encode()).hexdigest()[:8]
    return f"generator.{tool}.{digest}"


def write_jsonl(cases: Iterable[Case], path: str | Path) -> int:
    """Write cases in the shared case format, one JSON object a line; returns how many."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as fh:
        for case in cases:
            fh.write(json.dumps(case.model_dump(mode="json"), ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate smart-home training utterances.")
    parser.add_argument("-n", "--n", type=int, default=5000, help="how many cases")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out-of-scope", type=float, default=0.1)
    parser.add_argument("--world", type=Path, help="a home in the fixture format (YAML)")
    parser.add_argument("-o", "--output", type=Path, default=Path("smart_home_generated.jsonl"))
    args = parser.parse_args(argv)
    world = HomeWorld.from_yaml(args.world) if args.world else None
    cases = generate(world, args.n, seed=args.seed, out_of_scope=args.out_of_scope)
    print(f"wrote {write_jsonl(cases, args.output)} cases to {args.output}")


if __name__ == "__main__":
    main()
