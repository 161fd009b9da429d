"""The fake Discord's native-poll state: who voted for which answer, and Get Answer Voters.

Built from discord-api-docs `resources/poll.mdx`: `GET /channels/{channel.id}/polls/
{message.id}/answers/{answer_id}` returns `{"users": [user, ...]}`, sorted by user id,
`after` a user id, `limit` 1-100 (default 25); an unknown message is 404 Unknown Message.
A poll's `results` carry `answer_counts` ({id, count, me_voted}) and `is_finalized`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakes import discord_payloads as p

JSON = dict[str, Any]
UNKNOWN_MESSAGE = (404, {"code": 10008, "message": "Unknown Message"})


@dataclass
class PollVotes:
    """Votes per poll message and answer id; votes are kept even when no client is connected."""

    voters: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    throttled: set[int] = field(default_factory=set)
    """Which Get Answer Voters requests (numbered from 0) get 429, retry after `retry_after_s`."""
    retry_after_s: float = 0.05
    requests: int = 0
    """Get Answer Voters requests received so far (429s included)."""

    def record(self, message_id: str, answer_id: int, user_id: str, *, remove: bool) -> None:
        """Apply one MESSAGE_POLL_VOTE_ADD / _REMOVE to the poll's state."""
        answers = self.voters.setdefault(message_id, {})
        chosen = answers.setdefault(answer_id, set())
        if remove:
            chosen.discard(user_id)
        else:
            chosen.add(user_id)

    def results(self, msg: JSON) -> None:
        """Refresh the message's poll results from the recorded votes."""
        poll = msg.get("poll")
        if not poll:
            return
        answers = self.voters.get(msg["id"], {})
        poll["results"]["answer_counts"] = [
            {"id": a["answer_id"], "count": len(answers.get(a["answer_id"], ())), "me_voted": False}
            for a in poll["answers"]
        ]

    def finalize(self, msg: JSON) -> None:
        """The poll ends (expiry or POST .../expire): results final, expiry now."""
        self.results(msg)
        msg["poll"]["results"]["is_finalized"] = True
        msg["poll"]["expiry"] = p.now_iso()

    def answer_voters(
        self, msg: JSON | None, answer_id: str, query: dict[str, str]
    ) -> tuple[int, Any]:
        """GET .../polls/{message.id}/answers/{answer_id}: one page of voters."""
        self.requests += 1
        if self.requests - 1 in self.throttled:
            return 429, {"message": "You are being rate limited.",
                         "retry_after": self.retry_after_s, "global": False}  # fmt: skip
        if msg is None or not msg.get("poll"):
            return UNKNOWN_MESSAGE
        try:
            limit = int(query.get("limit", "25"))
            after = int(query.get("after", "0"))
            answer = int(answer_id)
        except ValueError:
            return 400, p.invalid_form(["limit, after and answer_id must be integers"])
        if not 1 <= limit <= 100:
            return 400, p.invalid_form(["limit must be between 1 and 100"])
        if answer not in {a["answer_id"] for a in msg["poll"]["answers"]}:
            return UNKNOWN_MESSAGE
        ids = sorted(int(u) for u in self.voters.get(msg["id"], {}).get(answer, ()))
        page = [i for i in ids if i > after][:limit]
        return 200, {"users": [p.user(str(i), f"voter{i}") for i in page]}
