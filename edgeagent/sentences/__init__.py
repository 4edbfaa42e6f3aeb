"""Sentences are data: how people ask for each tool, in YAML files beside a toolkit.

``template`` is the small template language (alternatives, optional words, list slots,
shared rules), ``lists`` the values that fill slots (words with their meaning, ranges of
numbers said as digits or words), ``files`` loads and checks sentence files (errors name the
file and the line), ``generate`` draws labelled requests from them, ``noise`` adds
speech-recognition noise, ``tables`` loads the phrase tables a toolkit's generator code draws
from. The formats are documented in ``docs/sentences.md``.
"""

from edgeagent.sentences.files import (
    Family,
    SentenceError,
    SentenceSet,
    load_sentences,
    sentence_files,
)
from edgeagent.sentences.generate import generate_cases
from edgeagent.sentences.lists import SentenceList, Value
from edgeagent.sentences.tables import PhraseTables, load_tables, tables_in
from edgeagent.sentences.template import TemplateError, parse

__all__ = [
    "Family",
    "PhraseTables",
    "SentenceError",
    "SentenceList",
    "SentenceSet",
    "TemplateError",
    "Value",
    "generate_cases",
    "load_sentences",
    "load_tables",
    "parse",
    "sentence_files",
    "tables_in",
]
