"""The procedure checklists as data: every file valid, every section plain (grade 8 or below),
the facts the seeds give, and clear errors naming the file and the field for a bad file."""

import re

import pytest
import yaml
from paths import CONTENT

from careguide.library.content.files import ContentError
from careguide.library.readability import MAX_GRADE, grade
from careguide.procedures import checklists
from careguide.procedures.checklists import SECTION_KEYS, read_all, read_checklist

FOLDER = CONTENT / "procedures"
ALL = read_all(FOLDER)
EXPECTED = {"biopsy", "surgery", "bone-cancer-surgery", "radiation-planning", "radiation-treatment",
            "chemotherapy-infusion", "lumbar-puncture", "stem-cell-transplant"}


def test_every_procedure_the_issue_names_has_a_checklist_with_every_section():
    assert set(ALL) == EXPECTED
    for checklist in ALL.values():
        for key in SECTION_KEYS:
            assert checklist.section_items(key), f"{checklist.slug}: {key} is empty"
        assert checklist.when_to_call.emergency and checklist.when_to_call.care_team
        assert checklist.version >= 1 and checklist.review.reviewer_role


def _texts(checklist):
    parts = [(f"{key}", [heading, hint, *[i.text for i in items]])
             for key, heading, hint, items in checklist.sections_list()]
    parts.append(("when_to_call.emergency", [i.text for i in checklist.when_to_call.emergency]))
    parts.append(("when_to_call.care_team", [i.text for i in checklist.when_to_call.care_team]))
    return parts


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_every_item_section_and_checklist_reads_at_grade_8_or_below(slug):
    checklist = ALL[slug]
    too_hard = {item.id: grade([item.text]) for item in checklist.all_items() if grade([item.text]) > MAX_GRADE}
    assert not too_hard, f"{slug}: items above grade {MAX_GRADE}: {too_hard}"
    for key, segments in _texts(checklist):
        assert grade(segments) <= MAX_GRADE, f"{slug}: section {key} reads at {grade(segments):.1f}"
    whole = [checklist.title, checklist.summary] + [s for _, segs in _texts(checklist) for s in segs]
    assert grade(whole) <= MAX_GRADE


def test_phone_numbers_are_never_written_into_the_files():
    # The pages take the numbers from OrganizationSettings; a number in a file would go stale.
    for checklist in ALL.values():
        for text in [checklist.summary] + [item.text for item in checklist.all_items()]:
            assert not re.search(r"\b911\b|\d{3}[-. ]\d{3}[-. ]\d{4}", text), f"{checklist.slug}: {text}"


def test_the_seed_facts_about_bone_cancer_and_radiation_are_in_the_lists():
    words = {slug: " ".join([c.summary] + [i.text for i in c.all_items()]).lower() for slug, c in ALL.items()}
    assert "limb-sparing" in words["bone-cancer-surgery"] and "amputation" in words["bone-cancer-surgery"]
    assert "physical therapy" in words["bone-cancer-surgery"]
    assert "chemotherapy before surgery" in words["bone-cancer-surgery"]
    assert "5 days a week" in words["radiation-treatment"] and "several weeks" in words["radiation-treatment"]
    assert "marks on your skin" in words["radiation-planning"]
    assert "spinal" in words["lumbar-puncture"]


def test_item_ids_are_unique_within_each_checklist():
    for checklist in ALL.values():
        ids = [item.id for item in checklist.all_items()]
        assert len(ids) == len(set(ids))


# --- errors name the file and the field ---------------------------------------------------

def _good():
    return yaml.safe_load((FOLDER / "biopsy.yaml").read_text())


def _write(tmp_path, data, name="biopsy.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def test_a_good_file_reads(tmp_path):
    assert read_checklist(_write(tmp_path, _good())).slug == "biopsy"


@pytest.mark.parametrize("change, field, words", [
    (lambda d: d["sections"].pop("day_before"), "sections.day_before", "Field required"),
    (lambda d: d["sections"]["after"].append({"id": "rest", "text": "Rest again."}), "(file)", "'rest' is used twice"),
    (lambda d: d["sections"]["bring"][0].update(id="Bad Id"), "sections.bring[0].id", "pattern"),
    (lambda d: d["sections"]["before"][1].update(text=""), "sections.before[1].text", "at least 1"),
    (lambda d: d.pop("version"), "version", "Field required"),
    (lambda d: d["review"].pop("reviewer_role"), "review.reviewer_role", "Field required"),
    (lambda d: d.update(colour="blue"), "colour", "Extra inputs"),
    (lambda d: d["when_to_call"].update(emergency=[]), "when_to_call.emergency", "at least 1"),
])
def test_a_bad_file_is_refused_naming_the_file_and_the_field(tmp_path, change, field, words):
    data = _good()
    change(data)
    with pytest.raises(ContentError) as caught:
        read_checklist(_write(tmp_path, data))
    assert caught.value.path == "procedures/biopsy.yaml"
    assert caught.value.field == field
    assert words in caught.value.message


def test_the_slug_must_match_the_file_name(tmp_path):
    with pytest.raises(ContentError) as caught:
        read_checklist(_write(tmp_path, _good(), name="biopsies.yaml"))
    assert (caught.value.path, caught.value.field) == ("procedures/biopsies.yaml", "slug")


def test_broken_yaml_names_the_line(tmp_path):
    with pytest.raises(ContentError) as caught:
        read_checklist(_write(tmp_path, "slug: biopsy\ntitle: [unclosed\n"))
    assert caught.value.field.startswith("line ")


def test_an_empty_folder_is_an_error(tmp_path):
    with pytest.raises(ContentError, match="no checklist files"):
        read_all(tmp_path)


def test_ticks_of_items_removed_from_the_file_stop_counting():
    checklist = ALL["biopsy"]
    assert checklist.done(["know-the-type", "gone-in-version-2", "call-911-breathing"]) == 1


def test_the_site_reads_the_same_files():
    assert set(checklists.registry()) == EXPECTED
