"""The answer box: a glossary word's definition, or the sentences of the top hit that answer the
question when that hit clearly wins."""

from __future__ import annotations

from dataclasses import dataclass

from .models import SearchEntry
from .ranking import group_stems, is_exact_term
from .snippets import best_sentence, words_of_intent

CLEAR_WINNER = 1.5  # top score / second score for an answer box from a section


@dataclass(frozen=True)
class Answer:
    title: str
    heading: str
    url: str
    text: str
    kind: str  # "glossary" (the definition) or "section"


def best_sentences(body: str, analysis) -> tuple[str, float]:
    """The sentence that answers best, and the next one when it matches too."""
    best, scores, sentences = best_sentence(body, group_stems(analysis), words_of_intent(analysis))
    if best < 0 or scores[best] == 0:
        return "", 0.0
    chosen = [sentences[best]]
    if best + 1 < len(sentences) and scores[best + 1] > 0:
        chosen.append(sentences[best + 1])
    return " ".join(chosen), scores[best]


def pick_answer(ranked, texts, analysis) -> Answer | None:
    """``texts``: pk -> (body, definition), holding at least the first five of ``ranked``."""
    if not ranked:
        return None

    def definition(entry) -> str:
        return texts.get(entry.pk, ("", ""))[1]

    # A glossary word asked for ("what is a biopsy", "biopsy") is answered by its definition.
    for entry, _ in ranked[:5]:
        if is_exact_term(entry, analysis) and definition(entry):
            return Answer(entry.title, "", entry.url, definition(entry), "glossary")
    top, top_score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    text, sentence_score = best_sentences(texts.get(top.pk, ("", ""))[0], analysis)
    # A clear winner, or a top hit with a sentence holding every term and the intent.
    complete = bool(analysis.intent) and sentence_score >= 1.5
    if top_score < CLEAR_WINNER * second and not complete:
        return None
    if top.kind == SearchEntry.Kind.GLOSSARY and definition(top):
        return Answer(top.title, "", top.url, definition(top), "glossary")
    if not text:
        return None
    return Answer(top.title, top.heading, top.url, text, "section")
