"""Assistant intents: lists, weather, date and time, broadcasts, replies, cancelling."""

from __future__ import annotations

from typing import Annotated, Any

from edgeagent.errors import TargetError, ToolError, close_matches
from edgeagent.tool import Risk, Vocab, tool

from ._base import EntityName, HomeTools, Item, ListName
from .loader import SHOPPING_LIST_ID
from .models import TodoItem, TodoList, norm


class ListTools(HomeTools):
    """Tools for the shopping list and the other to-do lists."""

    def _add(self, todo: TodoList, item: str) -> dict[str, Any]:
        text = " ".join(item.split())
        if not text:
            raise ToolError("say what to add to the list")
        todo.items.append(TodoItem(summary=text))
        self.world.sync_list(todo)
        return {"speech": f"Added {text} to {todo.name}", "targets": [todo.id]}

    def _complete(self, todo: TodoList, item: str) -> dict[str, Any]:
        key = norm(item)
        found = next((i for i in todo.items if not i.done and norm(i.summary) == key), None)
        if found is None:
            if any(i.done and norm(i.summary) == key for i in todo.items):
                return {"speech": f"{item} is already checked off {todo.name}", "targets": []}
            raise TargetError(
                f"{item!r} is not on {todo.name}",
                candidates=close_matches(item, todo.open_items()),
            )
        found.done = True
        self.world.sync_list(todo)
        return {"speech": f"Checked off {found.summary} on {todo.name}", "targets": [todo.id]}

    @tool(risk=Risk.REVERSIBLE)
    def HassShoppingListAddItem(self, item: Item) -> dict[str, Any]:
        """Adds an item to the shopping list.

        Args:
            item: Item to add, e.g. apples.
        """
        return self._add(self.world.lists[SHOPPING_LIST_ID], item)

    @tool(risk=Risk.REVERSIBLE)
    def HassShoppingListCompleteItem(self, item: Item) -> dict[str, Any]:
        """Checks off an item from the shopping list.

        Args:
            item: Item to check off.
        """
        return self._complete(self.world.lists[SHOPPING_LIST_ID], item)

    @tool(risk=Risk.REVERSIBLE)
    def HassListAddItem(self, item: Item, name: ListName) -> dict[str, Any]:
        """Adds an item to a to-do list.

        Args:
            item: Item to add.
            name: Name of the list.
        """
        return self._add(self.world.find_list(name), item)

    @tool(risk=Risk.REVERSIBLE)
    def HassListCompleteItem(self, item: Item, name: ListName) -> dict[str, Any]:
        """Checks off an item from a to-do list.

        Args:
            item: Item to check off.
            name: Name of the list.
        """
        return self._complete(self.world.find_list(name), item)


class AssistTools(HomeTools):
    """Tools that answer or talk rather than control devices."""

    @tool(risk=Risk.READ_ONLY)
    def HassGetWeather(self, name: EntityName = None) -> dict[str, Any]:
        """Gets the current weather (of the home's default weather entity unless named).

        Args:
            name: Name of the weather entity to use, e.g. a city.
        """
        if name is None:
            stations = [e for e in self.world.entities.values() if e.domain == "weather"]
            if not stations:
                raise TargetError("this home has no weather entity")
            station = stations[0]
        else:
            (station,) = self.world.resolve(
                name=name, supported={"weather"}, single=True, action="get the weather of"
            )
        temp = station.attributes.get("temperature")
        unit = station.attributes.get("temperature_unit") or ""
        said = station.spoken() + (f", {temp}{unit}" if temp is not None else "")
        return {
            "speech": f"{station.name}: {said}",
            "matched": [station.id],
            "answer": {"condition": station.state, "temperature": temp, "unit": unit or None},
        }

    @tool(risk=Risk.READ_ONLY)
    def HassGetCurrentDate(self) -> dict[str, Any]:
        """Gets the current date."""
        today = self.world.clock().date()
        speech = f"Today is {today:%A, %B} {today.day}, {today.year}"
        return {"speech": speech, "answer": today.isoformat()}

    @tool(risk=Risk.READ_ONLY)
    def HassGetCurrentTime(self) -> dict[str, Any]:
        """Gets the current time."""
        now = self.world.clock()
        hour = now.hour % 12 or 12
        return {"speech": f"It is {hour}:{now:%M} {now:%p}", "answer": f"{now:%H:%M}"}

    @tool(risk=Risk.READ_ONLY)
    def HassNevermind(self) -> dict[str, Any]:
        """Does nothing: cancels the request (e.g. "never mind")."""
        return {"speech": ""}

    @tool(risk=Risk.READ_ONLY)
    def HassRespond(
        self, response: Annotated[str | None, Vocab("response", from_utterance=True)] = None
    ) -> dict[str, Any]:
        """Returns a response but takes no action (greetings, questions about the assistant).

        Args:
            response: Text to respond with.
        """
        return {"speech": response or ""}

    @tool(risk=Risk.REVERSIBLE)
    def HassBroadcast(
        self, message: Annotated[str, Vocab("message", from_utterance=True)]
    ) -> dict[str, Any]:
        """Announces a message on the home's other voice satellites.

        Args:
            message: Message to broadcast.
        """
        text = " ".join(message.split())
        if not text:
            raise ToolError("say what to broadcast")
        self.world.broadcasts.append(text)
        return {"speech": f"Broadcast: {text}", "message": text}
