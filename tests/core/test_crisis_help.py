"""Crisis help (issue 14, item 4; ADR 0022): the 988 Suicide & Crisis Lifeline beside 911 on
every page and in every emergency result, a crisis page, and a crisis card before any search
result when a search reads as a person thinking about suicide, self-harm, an overdose or dying.
"""

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse

from careguide.library.content.files import ContentError
from careguide.search import crisis

pytestmark = pytest.mark.django_db

# Searches from a person in crisis: plain words, slang, typos, shouting, with and without
# punctuation. HELD_OUT are written nowhere in content/search/crisis.yaml (a test below proves
# it), to show the detector reads phrasings it was never given.
IN_CRISIS = [
    "i want to kill myself",
    "suicide",
    "suicidal thoughts",
    "kms",
    "i wanna die",
    "how to commit suicide",
    "i want to end my life",
    "od on my pills",
    "overdose",
    "i cut myself",
    "dont want to be here anymore",
    "unalive myself",
    "better off dead",
    "no reason to live",
    "self harm",
    "i took too many pills",
]
HELD_OUT = [
    "sucide",
    "feeling suicidial tonight",
    "i wanna kil myslef",
    "thinking about ending it all",
    "im gonna end it",
    "I JUST WANT TO DIE!!!",
    "i want to die so badly",
    "thinking of taking my own life",
    "overdosing on oxy",
    "how many tylenol pills to overdose",
    "i keep hurting myself",
    "cutting myself again",
    "i don't want to live anymore",
    "i dont want to wake up tomorrow",
    "everyone would be better off without me",
    "i cant take it anymore",
    "wish i was never born",
    "i want someone to kill me",
    "swallowed all my meds",
    "lethal dose of morphine",
    "tired of living with cancer",
    "selfharm scars",
    "can i sleep and never wake up",
    "i am planning to die",
]
ORDINARY = [
    "how to kill cancer cells",
    "does chemo kill good cells",
    "overdue appointment",
    "cutting down on sugar",
    "die-hard fans",
    "will i die from bone cancer",
    "end of life care",
    "hospice when dying",
    "pain killers side effects",
    "how many chemo pills a day",
    "radiation burn on my skin",
    "self care during chemo",
    "the pain is killing me",
    "can cancer kill you",
    "i want to die at home, not in hospital",
    "take all my pills in the morning",
    "suicide gene therapy",
    "killer t cells",
    "how to end chemo early",
    "harm from radiation",
    "cut my hair before chemo",
    "burning when i pee",
    "overdue for a scan",
    "fever after chemo",
]


def test_at_least_thirty_crisis_phrasings_are_tested():
    assert len(IN_CRISIS) + len(HELD_OUT) >= 30


def test_held_out_phrasings_are_not_in_the_crisis_file():
    detector = crisis.detector()
    written = {" ".join(p.text.split()) for p in detector.patterns}
    written |= {" ".join(source) for source, _ in detector.slang}
    raw = (Path(settings.CONTENT_DIR) / crisis.FILE).read_text().lower()
    for phrase in HELD_OUT:
        assert " ".join(crisis.normalize_word(phrase).split()) not in written, phrase
        assert phrase.lower() not in raw, phrase


def search_page(client, q):
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize("q", IN_CRISIS + HELD_OUT)
def test_a_search_in_crisis_shows_the_crisis_card_before_any_result(client, q):
    soup = search_page(client, q)
    main = soup.select_one("main")
    card = main.select_one("[data-crisis-card]")
    assert card is not None, q
    text = " ".join(card.get_text(" ").split())
    assert "call or text 988" in text and "call 911" in text
    assert card.select_one('a[href="tel:988"]') and card.select_one('a[href="tel:911"]')
    assert card.select_one('a[href="/crisis-help/"]')
    # Nothing of another page stands above it: it is the first section of the page, and no answer box.
    assert main.select_one("section") is card
    assert main.select_one(".search-answer") is None
    body = client.get(reverse("search:api"), {"q": q}).json()
    assert body["crisis"]["crisis_line"]["call"] == "988" and body["crisis"]["emergency"] == "911"
    assert body["crisis"]["crisis_line"]["page_url"] == "/crisis-help/"
    assert body["answer"] is None


@pytest.mark.parametrize("q", ORDINARY)
def test_ordinary_questions_get_no_crisis_card(client, q):
    assert search_page(client, q).select_one("[data-crisis-card]") is None, q
    assert client.get(reverse("search:api"), {"q": q}).json()["crisis"] is None


def test_a_crisis_search_still_lists_results_below_the_card_and_is_never_kept(client):
    from careguide.search.models import ZeroResultQuery

    soup = search_page(client, "i want to kill myself")
    html = str(soup.select_one("main"))
    assert html.index("data-crisis-card") < html.index("results-title")
    search_page(client, "kms xqzv")  # finds nothing, and still is not recorded
    assert not ZeroResultQuery.objects.exists()


def test_a_broken_crisis_file_names_the_line_and_field(tmp_path):
    path = tmp_path / "crisis.yaml"
    path.write_text("slang: {}\npatterns:\n  - kill myself\n  - want *\n")
    with pytest.raises(ContentError) as err:
        crisis.read_file(path)
    assert "line 4" in str(err.value) and "patterns" in str(err.value) and "'*'" in str(err.value)


# --- 988 beside 911 ------------------------------------------------------------------------


def crisis_line_in(html: str) -> bool:
    soup = BeautifulSoup(html, "html.parser")
    notice = soup.select_one(".emergency-notice") or soup.select_one("main")
    line = notice.select_one("[data-crisis-line]") if notice else None
    return bool(line) and line.select_one('a[href="tel:988"]') is not None and "911" in line.get_text()


def test_every_kind_of_page_shows_988_beside_911(client, live_pages):
    urls = [page.url for page in live_pages] + [
        reverse("search"), reverse("sideeffects:check"), reverse("backpain:entry"), reverse("procedures:index"),
        reverse("accounts:sign_in"), "/no-such-page/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        if response.status_code == 302:
            response = client.get(response["Location"])
        html = response.content.decode()
        assert crisis_line_in(html), url
        # The help strip at the top names it too.
        strip = BeautifulSoup(html, "html.parser").select_one(".help-strip")
        assert strip is not None and strip.select_one('a[href="tel:988"]'), url


def test_the_error_page_shows_988_without_a_database(rf):
    from careguide.core.views import server_error

    assert crisis_line_in(server_error(rf.get("/")).content.decode())


def test_the_page_for_a_request_we_cannot_read_shows_988_too(client, rf):
    from careguide.core.views import bad_request

    refused = client.get(reverse("search:search"), {"q": "fever\x00"})
    assert refused.status_code == 400 and crisis_line_in(refused.content.decode())
    assert crisis_line_in(bad_request(rf.get("/")).content.decode())


def test_the_crisis_line_is_configuration(client, live_pages):
    from wagtail.models import Site

    from careguide.core.models import OrganizationSettings

    org = OrganizationSettings.for_site(Site.objects.get(is_default_site=True))
    org.crisis_line_number = "1-800-273-8255"
    org.save()
    html = client.get(live_pages[0].url).content.decode()
    assert 'href="tel:1-800-273-8255"' in html


def test_the_crisis_page_says_what_to_do_and_is_linked_from_every_page(client):
    home = client.get("/").content.decode()
    soup = BeautifulSoup(home, "html.parser")
    link = soup.select_one('.emergency-notice a[href="/crisis-help/"]')
    assert link is not None
    page = client.get("/crisis-help/")
    text = " ".join(BeautifulSoup(page.content, "html.parser").select_one("main").get_text(" ").split())
    for words in ("Call or text 988", "call 911", "chat online", "What happens when you call or text 988",
                  "If you are worried about someone"):
        assert words in text, words


def test_the_side_effect_check_emergency_result_names_988(client):
    from sideeffects_support import answers, take_check

    page = client.get(take_check(client, answers(chest_pain="true"))["Location"])
    main = BeautifulSoup(page.content, "html.parser").select_one("main")
    assert main.select_one(".guidance [data-crisis-line] a[href='tel:988']") is not None


def test_the_back_pain_emergency_result_names_988(client):
    from backpain_support import take_gate

    page = client.get(take_gate(client, saddle=True))
    main = BeautifulSoup(page.content, "html.parser").select_one("main")
    assert main.select_one("[data-crisis-line] a[href='tel:988']") is not None


def test_the_diary_emergency_result_names_988():
    from django.template.loader import render_to_string

    from careguide.sideeffects import guidance
    from careguide.triage.deployment import evaluate_side_effects

    result = evaluate_side_effects({"symptoms": {"chest_pain": True}})
    html = render_to_string("sideeffects/includes/guidance.html", {"guidance": guidance.build(result)})
    assert "tel:988" in html


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_triage_api_emergencies_carry_who_to_call_and_other_answers_are_unchanged(client):
    emergency = post(client, reverse("triage_api:side_effects"), {"symptoms": {"chest_pain": True}}).json()
    assert emergency["disposition"] == "emergency"
    assert emergency["call"] == {"emergency": "911", "crisis_line": {
        "name": "988 Suicide & Crisis Lifeline", "call": "988", "text": "988",
        "chat_url": "https://988lifeline.org/chat/", "page_url": "/crisis-help/"}}
    back = post(client, reverse("triage_api:back_pain"), {"saddle_numbness": True}).json()
    assert back["disposition"] == "emergency" and back["call"]["crisis_line"]["call"] == "988"
    red = post(client, reverse("triage_api:side_effects"), {"context": {"on_sact": True},
                                                   "symptoms": {"temperature_c": 38.2}}).json()
    assert set(red) == {"disposition", "reasons", "explanations", "rule_set_version", "findings"}
