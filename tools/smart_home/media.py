"""Media player intents: search and play, pause, resume, skip, volume, mute."""

from __future__ import annotations

from typing import Annotated, Any

from edgeagent.errors import PreconditionError, TargetError, close_matches
from edgeagent.tool import Risk, Vocab, tool

from ._base import AreaName, EntityName, HomeTools, MediaClass, Percent, done, is_named
from .models import Entity, MediaItem, norm

_PLAYER = {"media_player"}


class MediaTools(HomeTools):
    """Tools that control media players."""

    def _players(
        self, name: str | None, area: str | None, floor: str | None = None, single: bool = False
    ) -> list[Entity]:
        return self.world.resolve(
            name=name,
            area=area,
            floor=floor,
            supported=_PLAYER,
            implicit=_PLAYER,
            single=single or is_named(name),
            prefer_near=name is None and area is None and floor is None,
            action="control",
        )

    def _find_media(self, query: str, media_class: str | None) -> MediaItem:
        key = norm(query)
        library = [
            m for m in self.world.media if media_class in (None, m.media_class) or not m.media_class
        ]
        exact = [m for m in library if norm(m.title) == key]
        partial = [m for m in library if key and (key in norm(m.title) or norm(m.title) in key)]
        found = exact or partial
        if not found:
            titles = [m.title for m in self.world.media]
            raise TargetError(
                f"found nothing to play for {query!r}", candidates=close_matches(query, titles)
            )
        return found[0]

    @tool(risk=Risk.REVERSIBLE)
    def HassMediaSearchAndPlay(
        self,
        name: EntityName = None,
        area: AreaName = None,
        *,
        search_query: Annotated[str, Vocab("media", from_utterance=True)],
        media_class: MediaClass | None = None,
    ) -> dict[str, Any]:
        """Searches for a media item (song, artist, show, movie, podcast...) and plays it.

        Args:
            name: Name of the media player to play on.
            area: Name of the area whose media player plays it.
            search_query: What to search for and play, e.g. a title or an artist.
            media_class: Type of media to search for, e.g. artist, track, movie, tv_show.
        """
        (player,) = self._players(name, area, single=True)
        if player.state == "off":
            player.state = "idle"
        item = self._find_media(search_query, media_class)
        player.state = "playing"
        player.attributes.update(
            media_title=item.title, media_class=media_class or item.media_class, media_track=1
        )
        return done(f"Playing {item.title} on", [player], answer=item.title)

    def _transport(
        self, name: str | None, area: str | None, verb: str, before: set[str], after: str
    ) -> dict[str, Any]:
        players = self._players(name, area)
        changed = [p for p in players if p.state in before]
        for p in changed:
            p.state = after
            if verb in {"Skipped", "Went back on"}:
                track = int(p.attributes.get("media_track") or 1)
                p.attributes["media_track"] = track + 1 if verb == "Skipped" else max(1, track - 1)
        if not changed:
            states = ", ".join(f"{p.name} is {p.spoken()}" for p in players)
            return {"speech": f"Nothing to do: {states}", "targets": []}
        return done(verb, changed)

    @tool(risk=Risk.REVERSIBLE)
    def HassMediaPause(self, name: EntityName = None, area: AreaName = None) -> dict[str, Any]:
        """Pauses a media player.

        Args:
            name: Name of a media player.
            area: Name of an area.
        """
        return self._transport(name, area, "Paused", {"playing"}, "paused")

    @tool(risk=Risk.REVERSIBLE)
    def HassMediaUnpause(self, name: EntityName = None, area: AreaName = None) -> dict[str, Any]:
        """Resumes a paused media player.

        Args:
            name: Name of a media player.
            area: Name of an area.
        """
        return self._transport(name, area, "Resumed", {"paused"}, "playing")

    @tool(risk=Risk.REVERSIBLE)
    def HassMediaNext(self, name: EntityName = None, area: AreaName = None) -> dict[str, Any]:
        """Skips a media player to the next item.

        Args:
            name: Name of a media player.
            area: Name of an area.
        """
        return self._transport(name, area, "Skipped", {"playing", "paused"}, "playing")

    @tool(risk=Risk.REVERSIBLE)
    def HassMediaPrevious(self, name: EntityName = None, area: AreaName = None) -> dict[str, Any]:
        """Skips a media player back to the previous item.

        Args:
            name: Name of a media player.
            area: Name of an area.
        """
        return self._transport(name, area, "Went back on", {"playing", "paused"}, "playing")

    @tool(risk=Risk.REVERSIBLE)
    def HassSetVolume(
        self, name: EntityName = None, area: AreaName = None, *, volume_level: Percent
    ) -> dict[str, Any]:
        """Sets the volume of a media player.

        Args:
            name: Name of a media player.
            area: Name of an area.
            volume_level: Volume level from 0 to 100.
        """
        players = self._players(name, area)
        self._require_on(players, "set the volume")
        for p in players:
            p.attributes["volume_level"] = volume_level
        return done(f"Set the volume of {{}} to {volume_level}%", players)

    @tool(risk=Risk.REVERSIBLE)
    def HassMediaPlayerMute(self, name: EntityName = None, area: AreaName = None) -> dict[str, Any]:
        """Mutes a media player.

        Args:
            name: Name of a media player.
            area: Name of an area.
        """
        return self._mute(name, area, True)

    @tool(risk=Risk.REVERSIBLE)
    def HassMediaPlayerUnmute(
        self, name: EntityName = None, area: AreaName = None
    ) -> dict[str, Any]:
        """Unmutes a media player.

        Args:
            name: Name of a media player.
            area: Name of an area.
        """
        return self._mute(name, area, False)

    def _mute(self, name: str | None, area: str | None, muted: bool) -> dict[str, Any]:
        players = self._players(name, area)
        self._require_on(players, "mute" if muted else "unmute")
        for p in players:
            p.attributes["is_volume_muted"] = muted
        return done("Muted" if muted else "Unmuted", players)

    @staticmethod
    def _require_on(players: list[Entity], action: str) -> None:
        off = [p.name for p in players if p.state == "off"]
        if off:
            raise PreconditionError(f"cannot {action}: {', '.join(off)} is off")
