"""The VIP section (/vip): what the VIP group gives the member, who else is
in it and what they wrote lately.

VIP is the store's `group` entitlement with the code `vip`
(goldcoin.store.entitlements). It opens this section and puts a VIP mark next
to the member's name in every thread and on the profile; nothing else asks
about it. Premium EAs are another reward (content access), so the section
says where those are instead of promising them. It lives here, not in the
store, because it reads the forum as well: the community imports the store,
and the members' pages may import both.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from goldcoin.auth.models import User
from goldcoin.community.models import Post, Thread
from goldcoin.store import entitlements
from goldcoin.store.models import CONTENT_ACCESS, GROUP, Reward
from goldcoin.store.service import first_active_reward

LATEST_POSTS = 10
EXCERPT = 160


@dataclass(frozen=True)
class VipSection:
    member: bool  # the viewer holds a live VIP membership
    expires_at: datetime | None  # end of that membership (None: for good, or not a member)
    join_reward: Reward | None  # the active reward that grants (or extends) VIP
    premium: bool  # the viewer holds Premium EA Access (not part of VIP)
    premium_expires_at: datetime | None
    premium_reward: Reward | None
    members: list  # [(User, Marks)], by name
    latest_posts: list  # [(Post, excerpt)] by VIP members, newest first, not removed


def excerpt(text, length=EXCERPT):
    """The start of a post on one line, cut at a word where one is near."""
    flat = " ".join((text or "").split())
    if len(flat) <= length:
        return flat
    cut = flat[:length]
    space = cut.rfind(" ")
    return (cut[:space] if space > length * 2 // 3 else cut).rstrip(" ,.;:") + "…"


def vip_section(session, user_id, now=None):
    """Everything the VIP page shows to `user_id` (whether or not they are in the group)."""
    member, expires = entitlements.expiry_of(session, user_id, GROUP, entitlements.VIP, now=now)
    premium, premium_expires = entitlements.expiry_of(session, user_id, CONTENT_ACCESS, now=now)
    people, posts = [], []
    if member:  # the list and the posts are the members' own: not shown to outsiders
        ids = entitlements.members_of_group(session, entitlements.VIP, now=now)
        marks = entitlements.marks_of(session, ids, now=now)
        users = session.scalars(select(User).where(User.id.in_(ids)).order_by(User.username)).all()
        people = [(u, marks.get(u.id)) for u in users]
        posts = [(post, excerpt(post.body)) for post in session.scalars(
            select(Post)
            .where(Post.author_id.in_(ids), Post.removed_at.is_(None))
            .options(joinedload(Post.thread).joinedload(Thread.section), joinedload(Post.author))
            .order_by(Post.id.desc())
            .limit(LATEST_POSTS)
        )]
    return VipSection(
        member=member,
        expires_at=expires if member else None,
        join_reward=first_active_reward(session, GROUP, entitlements.VIP),
        premium=premium,
        premium_expires_at=premium_expires if premium else None,
        premium_reward=first_active_reward(session, CONTENT_ACCESS),
        members=people,
        latest_posts=posts,
    )
