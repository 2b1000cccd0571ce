"""The community's views live in modules under 400 lines (views.py: the
forum, bounties, challenges, invites; ea_views.py: the EA library), and the
split kept every endpoint name that templates and redirects use."""
import pathlib

import goldcoin.community

ENDPOINTS = {
    "index", "section", "new_thread", "thread", "reply", "vote", "unvote", "remove", "accept", "start_bounty",
    "award_bounty", "ea_list", "ea_new", "ea_detail", "ea_buy", "ea_download", "ea_report", "ea_queue", "ea_verify",
    "ea_reject", "challenge_list", "challenge_detail", "challenge_enter", "referral",
}


def test_the_community_endpoints_are_unchanged_and_every_module_is_under_400_lines(app):
    folder = pathlib.Path(goldcoin.community.__file__).parent
    long = {p.name: n for p in folder.glob("*.py") if (n := len(p.read_text().splitlines())) >= 400}
    assert not long
    names = {rule.endpoint.split(".", 1)[1] for rule in app.url_map.iter_rules() if rule.endpoint.startswith("community.")}
    assert ENDPOINTS | {"ea_edit"} == names  # ea_edit: the resubmission of a rejected EA
