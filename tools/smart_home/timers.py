"""Timer intents: start, cancel, add or remove time, pause, resume, status."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

from edgeagent.errors import ToolError
from edgeagent.tool import Risk, Vocab, tool

from ._base import AreaName, Count, HomeTools, TimerName, one_value
from .loader import new_timer_id
from .models import Timer, duration_text


def _seconds(hours: int | None, minutes: int | None, seconds: int | None) -> int:
    return (hours or 0) * 3600 + (minutes or 0) * 60 + (seconds or 0)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


NewTimerName = Annotated[
    str | None, BeforeValidator(one_value), Vocab("timer", from_utterance=True)
]


class TimerTools(HomeTools):
    """Tools that manage timers (started on the speaker's device, in the speaker's area)."""

    def _timer(
        self,
        name: str | None,
        area: str | None,
        start: tuple[int | None, int | None, int | None],
        prefer_active: bool | None = None,
    ) -> Timer:
        prefer = None if prefer_active is None else (lambda t: t.active == prefer_active)
        h, m, s = start
        return self.world.find_timer(
            prefer=prefer,
            name=one_value(name),
            area=area,
            start_hours=h,
            start_minutes=m,
            start_seconds=s,
        )

    def _summary(self, timer: Timer) -> dict[str, Any]:
        return {
            "id": timer.id,
            "name": timer.name,
            "area": self.world.area_name(timer.area_id),
            "started_for": timer.start_total,
            "seconds_left": timer.seconds_left,
            "active": timer.active,
        }

    @tool(risk=Risk.REVERSIBLE)
    def HassStartTimer(
        self,
        hours: Count = None,
        minutes: Count = None,
        seconds: Count = None,
        name: NewTimerName = None,
        conversation_command: Annotated[str | None, Vocab("command", from_utterance=True)] = None,
    ) -> dict[str, Any]:
        """Starts a timer.

        Args:
            hours: Number of hours.
            minutes: Number of minutes.
            seconds: Number of seconds.
            name: Name attached to the timer, e.g. pizza.
            conversation_command: Command to execute when the timer finishes.
        """
        total = _seconds(hours, minutes, seconds)
        if total <= 0:
            raise ToolError("say how long the timer should run")
        name = name.strip() if name and name.strip() else None
        timer = Timer(
            id=new_timer_id(name, total, self.world.timers),
            name=name,
            area_id=self.world.speaker_area,
            start_hours=hours or 0,
            start_minutes=minutes or 0,
            start_seconds=seconds or 0,
            seconds_left=total,
            conversation_command=conversation_command,
        )
        self.world.timers.append(timer)
        what = f"the {name} timer" if name else "a timer"
        area = self.world.area_name(timer.area_id)
        where = f" in {area}" if area else ""
        return {
            "speech": f"Started {what} for {duration_text(total)}{where}",
            "targets": [timer.id],
        }

    @tool(risk=Risk.REVERSIBLE)
    def HassCancelTimer(
        self,
        start_hours: Count = None,
        start_minutes: Count = None,
        start_seconds: Count = None,
        name: TimerName = None,
        area: AreaName = None,
    ) -> dict[str, Any]:
        """Cancels a timer.

        Args:
            start_hours: Hours the timer was started with.
            start_minutes: Minutes the timer was started with.
            start_seconds: Seconds the timer was started with.
            name: Name attached to the timer.
            area: Area of the device used to start the timer.
        """
        timer = self._timer(name, area, (start_hours, start_minutes, start_seconds))
        self.world.timers.remove(timer)
        return {"speech": f"Cancelled the {self.world.timer_label(timer)}", "targets": [timer.id]}

    @tool(risk=Risk.REVERSIBLE)
    def HassCancelAllTimers(self, area: AreaName = None) -> dict[str, Any]:
        """Cancels all timers (in an area, if given).

        Args:
            area: Area of the device used to start the timers.
        """
        gone = self.world.find_timers(area=area)
        self.world.timers = [t for t in self.world.timers if t not in gone]
        n = len(gone)
        speech = f"Cancelled {n} timer{'s' if n != 1 else ''}" if gone else "No timers to cancel"
        return {"speech": speech, "targets": [t.id for t in gone]}

    def _change(self, timer: Timer, delta: int) -> dict[str, Any]:
        if delta == 0:
            raise ToolError("say how much time to add or remove")
        timer.seconds_left = max(0, timer.seconds_left + delta)
        label = self.world.timer_label(timer)
        if timer.seconds_left == 0:
            self.world.timers.remove(timer)
            self.world.finished_timers.append(timer)
            return {"speech": f"The {label} is done", "targets": [timer.id]}
        verb = "Added" if delta > 0 else "Removed"
        return {
            "speech": f"{verb} {duration_text(abs(delta))}: the {label} has "
            f"{duration_text(timer.seconds_left)} left",
            "targets": [timer.id],
        }

    @tool(risk=Risk.REVERSIBLE)
    def HassIncreaseTimer(
        self,
        hours: Count = None,
        minutes: Count = None,
        seconds: Count = None,
        start_hours: Count = None,
        start_minutes: Count = None,
        start_seconds: Count = None,
        name: TimerName = None,
        area: AreaName = None,
    ) -> dict[str, Any]:
        """Adds time to a timer.

        Args:
            hours: Number of hours to add.
            minutes: Number of minutes to add.
            seconds: Number of seconds to add.
            start_hours: Hours the timer was started with.
            start_minutes: Minutes the timer was started with.
            start_seconds: Seconds the timer was started with.
            name: Name attached to the timer.
            area: Area of the device used to start the timer.
        """
        timer = self._timer(name, area, (start_hours, start_minutes, start_seconds))
        return self._change(timer, _seconds(hours, minutes, seconds))

    @tool(risk=Risk.REVERSIBLE)
    def HassDecreaseTimer(
        self,
        hours: Count = None,
        minutes: Count = None,
        seconds: Count = None,
        start_hours: Count = None,
        start_minutes: Count = None,
        start_seconds: Count = None,
        name: TimerName = None,
        area: AreaName = None,
    ) -> dict[str, Any]:
        """Removes time from a timer.

        Args:
            hours: Number of hours to remove.
            minutes: Number of minutes to remove.
            seconds: Number of seconds to remove.
            start_hours: Hours the timer was started with.
            start_minutes: Minutes the timer was started with.
            start_seconds: Seconds the timer was started with.
            name: Name attached to the timer.
            area: Area of the device used to start the timer.
        """
        timer = self._timer(name, area, (start_hours, start_minutes, start_seconds))
        return self._change(timer, -_seconds(hours, minutes, seconds))

    @tool(risk=Risk.REVERSIBLE)
    def HassPauseTimer(
        self,
        start_hours: Count = None,
        start_minutes: Count = None,
        start_seconds: Count = None,
        name: TimerName = None,
        area: AreaName = None,
    ) -> dict[str, Any]:
        """Pauses a running timer.

        Args:
            start_hours: Hours the timer was started with.
            start_minutes: Minutes the timer was started with.
            start_seconds: Seconds the timer was started with.
            name: Name attached to the timer.
            area: Area of the device used to start the timer.
        """
        start = (start_hours, start_minutes, start_seconds)
        return self._set_active(self._timer(name, area, start, prefer_active=True), False)

    @tool(risk=Risk.REVERSIBLE)
    def HassUnpauseTimer(
        self,
        start_hours: Count = None,
        start_minutes: Count = None,
        start_seconds: Count = None,
        name: TimerName = None,
        area: AreaName = None,
    ) -> dict[str, Any]:
        """Resumes a paused timer.

        Args:
            start_hours: Hours the timer was started with.
            start_minutes: Minutes the timer was started with.
            start_seconds: Seconds the timer was started with.
            name: Name attached to the timer.
            area: Area of the device used to start the timer.
        """
        start = (start_hours, start_minutes, start_seconds)
        return self._set_active(self._timer(name, area, start, prefer_active=False), True)

    def _set_active(self, timer: Timer, active: bool) -> dict[str, Any]:
        label = self.world.timer_label(timer)
        if timer.active == active:
            state = "running" if active else "paused"
            return {"speech": f"The {label} is already {state}", "targets": []}
        timer.active = active
        return {"speech": f"{'Resumed' if active else 'Paused'} the {label}", "targets": [timer.id]}

    @tool(risk=Risk.READ_ONLY)
    def HassTimerStatus(
        self,
        start_hours: Count = None,
        start_minutes: Count = None,
        start_seconds: Count = None,
        name: TimerName = None,
        area: AreaName = None,
    ) -> dict[str, Any]:
        """Reports the status of one or more timers (time left, paused or running).

        Args:
            start_hours: Hours the timer was started with.
            start_minutes: Minutes the timer was started with.
            start_seconds: Seconds the timer was started with.
            name: Name attached to the timer.
            area: Area of the device used to start the timer.
        """
        timers = self.world.find_timers(
            name=one_value(name),
            area=area,
            start_hours=start_hours,
            start_minutes=start_minutes,
            start_seconds=start_seconds,
        )
        said = [
            f"{_upper_first(self.world.timer_label(t))}: {duration_text(t.seconds_left)} left"
            + ("" if t.active else " (paused)")
            for t in timers
        ]
        return {
            "speech": "; ".join(said) if said else "No timers match",
            "matched": [t.id for t in timers],
            "answer": [self._summary(t) for t in timers],
        }
