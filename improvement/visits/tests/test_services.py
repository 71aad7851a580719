"""The record's life: creation with a dated snapshot, saving with conflict detection, every step
of the accuracy check, finalisation (actions, good practice, concerns), amendments, distribution."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from improvement.actions.models import Action, ActionProgress, ActionStatus
from improvement.concerns.models import Concern
from improvement.inspections.tests.factories import InspectionFactory
from improvement.schools.models import Status
from improvement.schools.tests.factories import ContextMeasureFactory
from improvement.visits import lifecycle, services
from improvement.visits.models import (
    Distribution,
    GoodPractice,
    RecordRevision,
    VisitRecord,
    VisitStatusChange,
)
from improvement.visits.selectors import visit_number, with_visit_numbers
from improvement.visits.tests.factories import finalise, make_visit, save, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(personas):
    return personas["monitoring_officer"]


@pytest.fixture
def head(personas):
    return personas["headteacher"]


def test_new_visit_is_a_draft_with_a_dated_register_snapshot(officer, school):
    ContextMeasureFactory(school=school, academic_year=2022, measure="attendance_percent", value=93.1)
    ContextMeasureFactory(school=school, academic_year=2023, measure="attendance_percent", value=94.5)
    InspectionFactory(school=school)
    visit = make_visit(officer, school)
    record = visit.record
    assert visit.status == "draft" and visit.academic_year == "2023/24"
    assert list(visit.officers.all()) == [officer]
    assert "Attendance %: 2022/23: 93.1; 2023/24: 94.5 (up)" in record.content["attendance_and_punctuality"]
    assert record.snapshot["values"]["inspection.latest_outcome"].startswith("Good (15 March 2022")
    assert record.content["focus"] == "SEND & Inclusion"
    assert VisitStatusChange.objects.get(visit=visit).to_status == "draft"
    # Later register changes never rewrite the record.
    ContextMeasureFactory(school=school, academic_year=2024, measure="attendance_percent", value=80)
    assert "80" not in VisitRecord.objects.get(pk=record.pk).content["attendance_and_punctuality"]


def test_visit_to_a_closed_school_is_refused_and_nothing_saved(officer, school):
    school.status = Status.CLOSED
    school.close_date = datetime.date(2023, 7, 31)
    school.save()
    with pytest.raises(ValidationError, match="closed"):
        make_visit(officer, school)
    assert not school.visits.exists()


def test_visit_to_another_authoritys_school_is_refused(officer, other_school, personas):
    with pytest.raises(PermissionDenied):
        make_visit(officer, other_school)
    with pytest.raises(PermissionDenied):
        make_visit(personas["la_viewer"], other_school)
    assert not other_school.visits.exists()


def test_visit_numbers_count_within_the_academic_year(officer, school):
    second = make_visit(officer, school, day=datetime.date(2024, 2, 5))
    first = make_visit(officer, school, day=datetime.date(2023, 10, 2))
    next_year = make_visit(officer, school, day=datetime.date(2024, 9, 20))
    assert [visit_number(v) for v in (first, second, next_year)] == [1, 2, 1]
    numbers = dict(with_visit_numbers(school.visits.all()).values_list("pk", "number"))
    assert numbers == {first.pk: 1, second.pk: 2, next_year.pk: 1}


def test_stale_save_is_refused_and_keeps_the_newer_text(officer, school):
    visit = make_visit(officer, school)
    version = visit.record.version
    services.save_record(actor=officer, visit=visit, content={"achievement": "First tab"}, expected_version=version)
    with pytest.raises(services.StaleRecord) as exc:
        services.save_record(actor=officer, visit=visit, content={"achievement": "Second tab"},
                             expected_version=version)
    assert exc.value.current.content["achievement"] == "First tab"
    assert VisitRecord.objects.get(visit=visit).version == version + 1


def test_huge_section_saves(officer, school):
    visit = make_visit(officer, school)
    text = ("Pupils are calm and purposeful. " * 4000)[:100_000]
    record = save(officer, visit, on_the_ground_monitoring=text)
    assert len(VisitRecord.objects.get(pk=record.pk).content["on_the_ground_monitoring"]) == 100_000


def test_lifecycle_happy_path_writes_a_status_row_per_step(officer, head, personas, school,
                                                           django_capture_on_commit_callbacks):
    visit = make_visit(officer, school)
    save(officer, visit, further_actions=[{"text": "Embed phonics", "lead_role": "EYFS lead",
                                           "lead_initials": "AB", "by_when": "31 March 2024"}],
         good_practice=[{"area": "SEND", "description": "Provision maps"}],
         concerns=[{"category": "Safeguarding", "description": "Record keeping"}])
    take(officer, visit, "send")
    # The concern lands in the queue as soon as the record goes to the school.
    assert Concern.objects.get(source_visit=visit).status == "new"
    take(head, visit, "confirm_accurate")
    take(officer, visit, "finalise")
    with django_capture_on_commit_callbacks(execute=True):
        visit = take(officer, visit, "distribute", link="/visits/1/")
    assert visit.status == "distributed"
    steps = list(VisitStatusChange.objects.filter(visit=visit).values_list("to_status", "actor__role"))
    assert steps == [("draft", "monitoring_officer"), ("sent_for_accuracy_check", "monitoring_officer"),
                     ("accurate", "headteacher"), ("finalised", "monitoring_officer"),
                     ("distributed", "monitoring_officer")]
    action = Action.objects.get(source_visit=visit)
    assert action.due_date == datetime.date(2024, 3, 31) and action.lead == "EYFS lead (AB)"
    assert GoodPractice.objects.get(source_visit=visit).area == "SEND"
    assert Concern.objects.filter(source_visit=visit).count() == 1  # not raised twice
    assert RecordRevision.objects.get(visit=visit).number == 0
    # Coventry distributes to the headteacher and the trust CEO.
    recipients = set(Distribution.objects.filter(visit=visit).values_list("recipient__role", flat=True))
    assert recipients == {"headteacher", "trust_ceo"}
    assert sorted(m.to[0] for m in mail.outbox) == ["ceo@example.test", "headteacher@example.test"]
    assert "not attached" in mail.outbox[0].body


def test_inaccurate_then_disagreement_then_moderation(officer, head, personas, school):
    visit = make_visit(officer, school)
    take(officer, visit, "send")
    with pytest.raises(lifecycle.IllegalStep, match="at least one section"):
        take(head, visit, "mark_inaccurate", section_comments={"on_the_ground": "  "})
    take(head, visit, "mark_inaccurate", section_comments={"on_the_ground": "We saw Year 4, not Year 3."})
    change = VisitStatusChange.objects.filter(visit=visit).last()
    assert change.section_comments == {"on_the_ground": "We saw Year 4, not Year 3."}
    with pytest.raises(lifecycle.IllegalStep, match="Enter"):
        take(officer, visit, "record_disagreement", comment="")
    take(officer, visit, "record_disagreement", comment="The evidence was Year 3 books.")
    with pytest.raises(PermissionDenied):
        take(officer, visit, "moderate", comment="I agree with myself")
    take(personas["senior_adviser"], visit, "moderate", comment="The record stands; Year 3 and 4 noted.")
    visit = take(officer, visit, "finalise")
    record = VisitRecord.objects.get(visit=visit)
    assert record.disagreement == "The evidence was Year 3 books."
    assert record.moderation.startswith("The record stands")
    assert visit.status == "finalised"


def test_officer_can_revise_after_inaccurate(officer, head, school):
    visit = make_visit(officer, school)
    take(officer, visit, "send")
    take(head, visit, "mark_inaccurate", comment="Pupil numbers are wrong.")
    visit = take(officer, visit, "revise")
    assert visit.status == "draft"
    save(officer, visit, pupil_profile="Corrected numbers")
    assert take(officer, visit, "send").status == "sent_for_accuracy_check"


@pytest.mark.parametrize(
    ("status_steps", "step", "message"),
    [
        ([], "finalise", "needs it to be"),
        ([], "confirm_accurate", "needs it to be sent for accuracy check"),
        (["send"], "send", "cannot send"),
        (["send"], "distribute", "needs it to be finalised"),
        (["send"], "moderate", "disagreement"),
    ],
)
def test_illegal_steps_are_refused_with_a_clear_message(officer, head, school, status_steps, step, message):
    visit = make_visit(officer, school)
    for name in status_steps:
        take(officer, visit, name)
    with pytest.raises(lifecycle.IllegalStep) as exc:
        take(officer, visit, step, comment="x")
    assert message in str(exc.value)


def test_only_the_schools_headteacher_responds(officer, personas, school, sibling_school):
    visit = make_visit(officer, school)
    take(officer, visit, "send")
    for role in ("chair_of_governors", "trust_ceo", "senior_adviser", "monitoring_officer"):
        with pytest.raises(PermissionDenied):
            take(personas[role], visit, "confirm_accurate")


def test_a_future_visit_cannot_be_finalised_or_sent(officer, school):
    visit = make_visit(officer, school, day=datetime.date.today() + datetime.timedelta(days=7))
    with pytest.raises(lifecycle.IllegalStep, match="not happened yet"):
        take(officer, visit, "send")


def test_finalised_record_is_locked_and_amendments_are_versions(officer, head, school):
    visit = make_visit(officer, school)
    save(officer, visit, achievement="KS2 outcomes above national.")
    finalise(officer, head, visit)
    with pytest.raises(services.RecordLocked, match="amendments"):
        save(officer, visit, achievement="Changed")
    record = VisitRecord.objects.get(visit=visit)
    with pytest.raises(ValidationError, match="reason"):
        services.amend_record(actor=officer, visit=visit, content=record.content, expected_version=record.version,
                              reason=" ")
    content = {**record.content, "achievement": "KS2 outcomes in line with national."}
    services.amend_record(actor=officer, visit=visit, content=content, expected_version=record.version,
                          reason="Headline corrected after validated data.")
    revisions = list(RecordRevision.objects.filter(visit=visit).values_list("number", "content__achievement"))
    assert revisions == [(0, "KS2 outcomes above national."), (1, "KS2 outcomes in line with national.")]
    with pytest.raises(ValidationError):
        RecordRevision.objects.get(visit=visit, number=0).delete()


def test_actions_carry_forward_until_closed(officer, head, school):
    first = make_visit(officer, school, day=datetime.date(2023, 10, 2))
    save(officer, first, further_actions=[
        {"text": "Reading for the lowest 20%", "lead_role": "English lead", "lead_initials": "CD", "by_when": "ongoing"},
        {"text": "Attendance of disadvantaged pupils", "lead_role": "DHT", "by_when": "1/2/2024"},
    ])
    finalise(officer, head, first)
    reading, attendance = Action.objects.filter(source_visit=first).order_by("pk")
    assert reading.due_date is None and reading.due_text == "ongoing"

    second = make_visit(officer, school, day=datetime.date(2024, 2, 5))
    assert list(services.carried_forward_actions(second)) == [reading, attendance]
    record = VisitRecord.objects.get(visit=second)
    services.save_record(actor=officer, visit=second, content=record.content, expected_version=record.version,
                         action_reviews={str(reading.pk): {"status": "complete", "comment": "Gaps closed"},
                                         str(attendance.pk): {"status": "on_track", "comment": ""}})
    finalise(officer, head, second)
    reading.refresh_from_db()
    attendance.refresh_from_db()
    assert (reading.status, attendance.status) == (ActionStatus.COMPLETE, ActionStatus.ON_TRACK)
    assert ActionProgress.objects.get(action=reading).comment == "Gaps closed"
    frozen = RecordRevision.objects.get(visit=second, number=0).action_reviews
    assert [item["status"] for item in frozen] == ["complete", "on_track"]

    third = make_visit(officer, school, day=datetime.date(2024, 5, 1))
    assert list(services.carried_forward_actions(third)) == [attendance]


def test_action_without_text_is_refused_at_finalisation(officer, head, school):
    visit = make_visit(officer, school)
    record = VisitRecord.objects.get(visit=visit)
    content = {**record.content, "further_actions": [{"uid": "abc", "text": " ", "lead_role": "DHT"}]}
    services.save_record(actor=officer, visit=visit, content=content, expected_version=record.version)
    take(officer, visit, "send")
    take(head, visit, "confirm_accurate")
    with pytest.raises(ValidationError, match="text"):
        take(officer, visit, "finalise")
    visit.refresh_from_db()
    assert visit.status == "accurate" and not Action.objects.exists()
    assert not RecordRevision.objects.filter(visit=visit).exists()


def test_status_rows_are_immutable(officer, school):
    visit = make_visit(officer, school)
    change = VisitStatusChange.objects.get(visit=visit)
    change.comment = "rewritten"
    with pytest.raises(ValidationError):
        change.save()
    with pytest.raises(ValidationError):
        change.delete()


def test_the_headteacher_is_asked_to_check_and_the_officer_hears_back(officer, head, school,
                                                                      django_capture_on_commit_callbacks):
    visit = make_visit(officer, school)
    with django_capture_on_commit_callbacks(execute=True):
        take(officer, visit, "send", link="https://example.test/visits/1/")
    assert [m.to for m in mail.outbox] == [["headteacher@example.test"]]
    assert "check" in mail.outbox[0].body and "https://example.test/visits/1/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        take(head, visit, "mark_inaccurate", comment="Numbers are wrong")
    assert mail.outbox[1].to == [officer.email] and "marked as inaccurate" in mail.outbox[1].body
