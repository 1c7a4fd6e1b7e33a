"""In a real Chromium at phone width: a volunteer of the demo finds an evaluation on My training,
answers it (ratings by their labels, a free text) and is back with her thanks; the coordinator
sees the results. The pages are axe-core clean."""

from quality.models import EvaluationReceipt, EvaluationResponse
from tests.browser.conftest import login, screenshot, serious_violations


def test_a_volunteer_answers_an_evaluation_on_her_phone(page):
    # The demo's own evaluations are there already: hers and everyone's, before.
    receipts = EvaluationReceipt.objects.filter(person__email="volontar1@example.org").count()
    responses = EvaluationResponse.objects.count()
    login(page, "volontar1@example.org")
    section = page.locator("section", has=page.get_by_role("heading", name="Tyck till"))
    link = section.get_by_role("link").first
    assert link.inner_text().startswith("Utvärdera avsnitt")
    link.click()
    page.wait_for_load_state()
    assert page.get_by_text("Ditt svar är anonymt").is_visible()
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.get_by_role("button", name="Skicka mitt svar").click()  # nothing chosen yet
    page.wait_for_load_state()
    assert page.get_by_text("Några svar saknas").is_visible()
    assert serious_violations(page) == []
    for number, group in enumerate(page.locator("fieldset.evaluation-question").all()):
        group.get_by_text("5 – Mycket bra" if number == 0 else "4 – Bra", exact=True).click()
    page.get_by_role("textbox").fill("Tydliga exempel och bra tempo.")
    screenshot(page, "volunteer-evaluation")
    page.get_by_role("button", name="Skicka mitt svar").click()
    page.wait_for_load_state()
    assert page.url.endswith("/min-utbildning/")
    assert page.get_by_text("Tack! Ditt svar är sparat").is_visible()
    assert EvaluationReceipt.objects.filter(person__email="volontar1@example.org").count() == receipts + 1
    assert EvaluationResponse.objects.count() == responses + 1


def test_the_coordinator_reads_the_results(page):
    from people.models import User
    from quality.evaluations import pending_evaluations, questions_for, submit_evaluation

    volunteer = User.objects.get(email="volontar1@example.org")
    (first, *_rest) = pending_evaluations(volunteer)
    answers = {
        question.pk: 4 if question.kind == "rating" else "Mer tid till samtalsövningar."
        for question in questions_for(first.run.organisation, first.run.course.kind)
    }
    submit_evaluation(volunteer, first.run.pk, first.unit_number, answers)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "samordnare@example.org", admin=True)
    page.goto("/admin/quality/evaluations/")
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Utvärderingar").first.is_visible()
    assert page.get_by_text("Mer tid till samtalsövningar.").is_visible()
    assert page.get_by_text(volunteer.first_name).count() == 0
    assert serious_violations(page) == []
    screenshot(page, "coordinator-evaluation-results")
