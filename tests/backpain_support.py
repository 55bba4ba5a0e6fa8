"""Answering the back-pain gate as a browser without JavaScript does."""

from django.urls import reverse

GATE = reverse("backpain:gate")
STEP_ITEMS = [  # (step, item linkId) in the order they are asked
    (0, "legs.symptoms"),
    (1, "bladder-bowel.symptoms"),
    (1, "bladder-bowel.saddle"),
    (2, "unwell.symptoms"),
    (3, "history.items"),
    (4, "pain.features"),
]


def take_gate(client, *, legs=(), bladder=(), saddle=False, unwell=(), history=(), pain=(), purpose=None):
    """Answer the gate one step at a time, as a browser without JavaScript does."""
    answers = {
        "legs.symptoms": list(legs) or ["none"],
        "bladder-bowel.symptoms": list(bladder) or ["none"],
        "bladder-bowel.saddle": "true" if saddle else "false",
        "unwell.symptoms": list(unwell) or ["none"],
        "history.items": list(history) or ["none"],
        "pain.features": list(pain) or ["none"],
    }
    page = client.get(GATE + (f"?for={purpose}" if purpose else "?restart=1"))
    assert page.status_code == 200
    for step in range(5):
        data = {link: answers[link] for s, link in STEP_ITEMS if s == step}
        response = client.post(GATE, {**data, "_step": str(step), "_action": "continue"})
        assert response.status_code == 303, response.content.decode()[:2000]
        if step < 4 and response["Location"] != GATE:
            # An emergency answer stops the questions at once (the rules only rise).
            assert response["Location"].startswith(GATE + "result/"), response["Location"]
            return response["Location"]
    return response["Location"]
